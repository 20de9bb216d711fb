"""User-written checks (YAML) run against the data, and checks suggested from a profile.

```yaml
datasets:
  - dataset: erp_umsatz_2021-2025.csv     # id, title or location in the catalog
    checks:
      - not_null: Belegnr
      - unique: Belegnr
      - between: {column: Menge, min: 1, max: 10000}
      - in_set: {column: Einheit, values: [Stk, kg]}
      - regex: {column: PLZ, pattern: '\\d{5}'}
      - freshness: {column: Belegdatum, max_age_days: 35}
      - row_count: {min: 1000}
      - sql: {name: Netto hoechstens Brutto, expect: 0,
              query: "SELECT count(*) FROM data WHERE Nettobetrag > Bruttobetrag"}
  - file: exporte/heute.csv               # or a file, relative to this YAML file
    checks: [...]
```
Every check reads a view ``data`` with typed values (German numbers and dates parsed);
``not_null`` counts placeholders such as "n/a" as missing.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.catalog import Catalog
from datensorgfalt.engine import connect, quote, sql_string, staged_parquet, write_parquet
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import os_reason
from datensorgfalt.services.quality import measure as service
from datensorgfalt.services.quality.context import TableContext, open_context
from datensorgfalt.workspace import Workspace

CHECKS = ("not_null", "unique", "between", "in_set", "regex", "freshness", "row_count", "sql")


class RulesError(DatensorgfaltError):
    """The rules file is unreadable or names something that does not exist."""


@dataclass
class CheckResult:
    dataset: str
    rule: str
    status: str  # passed | failed | error
    detail: dict[str, Any] = field(default_factory=dict)


def load_rules(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError("quality.error.rules_file", path=str(path),
                         reason=_reason(exc)) from exc
    entries = data.get("datasets") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RulesError("quality.error.rules_file", path=str(path),
                         reason="datasets: [...] fehlt / missing")
    return entries


def _parquet_for(entry: dict[str, Any], base: Path, workspace: Workspace | None,
                 catalog: Catalog | None,
                 scratch: Path) -> tuple[str, Path, dict, dict]:
    if "file" in entry:
        path = (base / entry["file"]).resolve()
        target = scratch / f"{abs(hash(str(path)))}.parquet"
        write_parquet(str(path), target)
        return str(entry["file"]), target, {}, {}
    if catalog is None:
        raise RulesError("quality.error.rules_file", path=str(base), reason="dataset")
    dataset = catalog.dataset(str(entry.get("dataset")))
    infos = {c.name: dict(c.details or {}) | {"type": c.details.get("type") or c.inferred_type}
             for c in dataset.columns}
    semantics = {c.name: c.semantic_type for c in dataset.columns}
    return dataset.title, staged_parquet(workspace, dataset), infos, semantics


def _reason(exc: Exception) -> str:
    return os_reason(exc) if isinstance(exc, OSError) else str(exc).splitlines()[0]


def run_checks(workspace: Workspace | None, catalog: Catalog | None,
               path: Path) -> list[CheckResult]:
    """Every check of the rules file; a dataset that cannot be read fails its checks."""
    results: list[CheckResult] = []
    with tempfile.TemporaryDirectory(prefix="ds-check-") as scratch:
        for entry in load_rules(path):
            name = str(entry.get("dataset") or entry.get("file"))
            checks = entry.get("checks") or []
            try:
                name, parquet, infos, semantics = _parquet_for(entry, path.parent, workspace,
                                                               catalog, Path(scratch))
            except DatensorgfaltError as exc:
                results += [CheckResult(name, _label(c), "error", {"message": str(exc)})
                            for c in checks]
                continue
            con = connect()
            try:
                ctx = open_context(con, parquet, infos, semantics)
                select = ", ".join(f"{c.typed} AS {c.q}" for c in ctx.columns) or "*"
                con.execute(f"CREATE OR REPLACE VIEW data AS SELECT {select} FROM src")
                con.execute(f"CREATE OR REPLACE VIEW clean AS SELECT "
                            f"{', '.join(f'{c.clean} AS {c.q}' for c in ctx.columns) or '*'} "
                            f"FROM src")
                results += [_run_one(ctx, name, check) for check in checks]
            finally:
                con.close()
    return results


def _label(check: Any) -> str:
    if isinstance(check, dict) and len(check) == 1:
        kind, spec = next(iter(check.items()))
        if isinstance(spec, dict):
            detail = spec.get("name") or spec.get("column") or ""
            return f"{kind} {detail}".strip()
        return f"{kind} {spec}"
    return str(check)


def _run_one(ctx: TableContext, dataset: str, check: Any) -> CheckResult:
    label = _label(check)
    if not isinstance(check, dict) or len(check) != 1 or next(iter(check)) not in CHECKS:
        message = RulesError("quality.error.rule_unknown", rule=label, dataset=dataset,
                             allowed=", ".join(CHECKS))
        return CheckResult(dataset, label, "error", {"message": str(message)})
    kind, spec = next(iter(check.items()))
    spec = spec if isinstance(spec, dict) else {"column": spec}
    column = spec.get("column")
    if column is not None and column not in {c.name for c in ctx.columns}:
        message = RulesError("quality.error.rule_column", rule=label, dataset=dataset,
                             column=column)
        return CheckResult(dataset, label, "error", {"message": str(message)})
    try:
        ok, detail = RUNNERS[kind](ctx, spec)
    except Exception as exc:  # a broken custom SQL must not stop the other checks
        return CheckResult(dataset, label, "error", {"message": str(exc).splitlines()[0]})
    return CheckResult(dataset, label, "passed" if ok else "failed", detail)


def _one(ctx: TableContext, query: str) -> Any:
    return ctx.con.execute(query).fetchone()[0]


def _not_null(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    missing = _one(ctx, f"SELECT count(*) FROM clean WHERE {q} IS NULL")
    allowed = float(spec.get("max_missing", 0)) * ctx.rows
    return missing <= allowed, {"missing": missing, "rows": ctx.rows}


def _unique(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    repeated = _one(ctx, f"SELECT count({q}) - count(DISTINCT {q}) FROM clean")
    return repeated == 0, {"repeated": repeated}


def _between(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    conditions = []
    if spec.get("min") is not None:
        conditions.append(f"{q} < {_literal(spec['min'])}")
    if spec.get("max") is not None:
        conditions.append(f"{q} > {_literal(spec['max'])}")
    where = " OR ".join(conditions) or "false"
    outside = _one(ctx, f"SELECT count(*) FROM data WHERE {where}")
    return outside == 0, {"outside": outside, "min": spec.get("min"), "max": spec.get("max")}


def _literal(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    return f"'{sql_string(str(value))}'"


def _in_set(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    values = ", ".join(f"'{sql_string(str(v))}'" for v in spec.get("values", [])) or "NULL"
    rows = ctx.con.execute(f"SELECT CAST({q} AS VARCHAR), count(*) FROM clean WHERE {q} IS NOT "
                           f"NULL AND CAST({q} AS VARCHAR) NOT IN ({values}) GROUP BY 1 "
                           f"ORDER BY 2 DESC").fetchall()
    return not rows, {"outside": sum(n for _, n in rows), "values": [v for v, _ in rows[:5]]}


def _regex(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    pattern = sql_string(str(spec["pattern"]).removeprefix("^").removesuffix("$"))
    rows = ctx.con.execute(f"SELECT CAST({q} AS VARCHAR) FROM clean WHERE {q} IS NOT NULL AND "
                           f"NOT regexp_full_match(CAST({q} AS VARCHAR), '{pattern}')"
                           ).fetchall()
    return not rows, {"not_matching": len(rows), "values": [r[0] for r in rows[:5]]}


def _freshness(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    q = quote(spec["column"])
    newest = _one(ctx, f"SELECT max(CAST({q} AS TIMESTAMP)) FROM data")
    limit = datetime.now() - timedelta(days=float(spec.get("max_age_days", 1)))
    ok = newest is not None and newest >= limit
    return ok, {"newest": newest.isoformat() if newest else None,
                "max_age_days": spec.get("max_age_days", 1)}


def _row_count(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    low, high = spec.get("min"), spec.get("max")
    ok = (low is None or ctx.rows >= low) and (high is None or ctx.rows <= high)
    return ok, {"rows": ctx.rows, "min": low, "max": high}


def _sql(ctx: TableContext, spec: dict) -> tuple[bool, dict]:
    value = _one(ctx, spec["query"])
    if "max" in spec:
        return value is not None and value <= spec["max"], {"value": value, "max": spec["max"]}
    expect = spec.get("expect", 0)
    return value == expect, {"value": value, "expect": expect}


RUNNERS = {"not_null": _not_null, "unique": _unique, "between": _between, "in_set": _in_set,
           "regex": _regex, "freshness": _freshness, "row_count": _row_count, "sql": _sql}


def as_dicts(results: list[CheckResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def suggest(workspace: Workspace, catalog: Catalog, selector: str) -> str:
    """Checks that hold on today's data, as a rules YAML to edit and keep (Deequ-style)."""

    dataset = catalog.dataset(selector)
    result = catalog.latest_result("quality", dataset_id=dataset.id)
    if result is None or result.payload.get("rows") is None:
        service.run_quality(workspace, catalog, [dataset.id])
        result = catalog.latest_result("quality", dataset_id=dataset.id)
    payload = result.payload
    checks = _suggested_checks(payload)
    document = {"datasets": [{"dataset": dataset.title, "checks": checks}]}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _suggested_checks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows = payload.get("rows") or 0
    checks: list[dict[str, Any]] = [{"row_count": {"min": int(rows * 0.5)}}] if rows else []
    keys = set(payload.get("keys") or [])
    for name, col in (payload.get("columns") or {}).items():
        checks += _column_checks(name, col, name in keys)
    series = payload.get("time_series") or {}
    step_days = {"H": 1, "D": 3, "W": 14, "M": 62}.get(series.get("frequency") or "")
    if step_days and series.get("end"):
        age = (datetime.now() - datetime.fromisoformat(series["end"])).days
        checks.append({"freshness": {"column": series["column"],
                                     "max_age_days": max(0, age) + step_days}})
    for rule in payload.get("rules") or []:
        if rule.get("broken") == 0:
            low, high = (quote(part.strip()) for part in rule["rule"].split("<="))
            checks.append({"sql": {"name": rule["rule"], "expect": 0,
                                   "query": f"SELECT count(*) FROM data WHERE {low} > {high}"}})
    return checks


def _column_checks(name: str, col: dict[str, Any], key: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if col.get("completeness") == 1.0:
        out.append({"not_null": name})
    if key:
        out.append({"unique": name})
    if col.get("type") in ("integer", "decimal") and col.get("min") is not None \
            and not col.get("masked") \
            and col.get("semantic") not in ("postal_code", "identifier", "phone"):
        out.append({"between": {"column": name, "min": _floor(col["min"]),
                                "max": _ceil(col["max"])}})
    if col.get("type") == "text" and col.get("values") and not key and not col.get("masked"):
        out.append({"in_set": {"column": name, "values": col["values"]}})
    patterns = {"postal_code": r"\d{5}", "email": r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"}
    if col.get("semantic") in patterns and not col.get("pattern_violations"):
        out.append({"regex": {"column": name, "pattern": patterns[col["semantic"]]}})
    return out


def _floor(value: Any) -> Any:
    return int(value) if isinstance(value, int) else round(float(value) - 0.005, 2)


def _ceil(value: Any) -> Any:
    return int(value) if isinstance(value, int) else round(float(value) + 0.005, 2)
