"""Facts about the company's data, read from the catalog once and shared by readiness,
use cases and the report: what exists where, how old, how good, how long its history is,
whether it holds personal data and whether its rights are known.

Other services' results are read from ``Result`` rows (``quality``, ``privacy``, ``poc``);
when a service has not run yet, the matching facts are ``None`` and everything still works.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import select

from datensorgfalt.catalog import Catalog, Dataset
from datensorgfalt.catalog.models import Link, utcnow
from datensorgfalt.engine import local_path, typed_frame
from datensorgfalt.services.vocabulary import Meaning, says, says_any
from datensorgfalt.sources.locations import safe_text
from datensorgfalt.workspace import Workspace

NUMERIC = {"integer", "decimal"}
NOT_A_MEASURE = {"identifier", "postal_code", "phone", "iban", "email", "date", "category"}
# names of number columns that are not a measure either (the scan may not have typed them)
NOT_A_MEASURE_NAME: tuple[Meaning, ...] = ("identifier", "postal_code", "calendar_part")
MAX_MONTHS = 240  # a "history" longer than 20 years is not a business time series


@dataclass
class Series:
    """A table that is a time series: its date column, numeric columns and history."""

    date_column: str
    kind: str  # "sensor" (readings with a time of day) or "business" (one date per row)
    numeric: list[dict[str, Any]]  # [{"name", "semantic"}]
    start: datetime | None = None
    end: datetime | None = None
    frequency: str | None = None

    @property
    def months(self) -> float:
        if not self.start or not self.end:
            return 0.0
        return round((self.end - self.start).days / 30.44, 1)

    @property
    def seasonal_cycles(self) -> int:
        """Full yearly cycles in the history (the seasonality a forecast can learn)."""
        return int((self.months + 0.5) // 12)


@dataclass
class Facts:
    """One dataset as the readiness, use-case and report services see it."""

    id: str
    title: str
    kind: str
    location: str
    path: str
    format: str
    status: str
    rows: int | None
    byte_size: int | None
    modified_at: datetime | None
    columns: list[dict[str, Any]]
    details: dict[str, Any]
    area: str = ""
    rel_path: str = ""
    copy_of: str | None = None
    quality: dict[str, Any] | None = None
    privacy: dict[str, Any] | None = None
    personal: bool | None = None
    rights_known: bool = False
    rights: dict[str, Any] | None = None
    series: Series | None = None
    findings: int = 0

    @property
    def age_days(self) -> int | None:
        return None if self.modified_at is None else max((utcnow() - self.modified_at).days, 0)

    @property
    def readable(self) -> bool:
        return self.status == "active" and self.kind != "unreadable"

    @property
    def quality_score(self) -> float | None:
        return None if not self.quality else self.quality.get("score")

    def text(self) -> str:
        """Title, location and column names in lower case, for keyword predicates."""
        names = " ".join(c["name"] for c in self.columns)
        documents = self.details.get("documents", [])[:200]
        docs = " ".join(os.path.basename(d.get("path", "")) for d in documents)
        labels = " ".join(self.details.get("labels", {}) or {})
        where = self.rel_path or unquote(self.location)
        return f"{self.title} {where} {names} {docs} {labels}".lower()


@dataclass
class Evidence:
    """Everything the catalog says about the company's data."""

    datasets: list[Facts] = field(default_factory=list)
    quality_run: bool = False
    privacy_run: bool = False
    readiness: dict[str, Any] | None = None
    pocs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def readable(self) -> list[Facts]:
        return [d for d in self.datasets if d.readable]

    @property
    def originals(self) -> list[Facts]:
        """Readable datasets that are not a copy of another one."""
        return [d for d in self.readable if not d.copy_of]

    def by_id(self, dataset_id: str) -> Facts | None:
        return next((d for d in self.datasets if d.id == dataset_id), None)


def gather(workspace: Workspace | None, catalog: Catalog) -> Evidence:
    """Read the catalog into :class:`Evidence` (one pass, no writes)."""
    datasets = catalog.datasets()
    results = _latest_results(catalog)
    copies = _copies(catalog)
    evidence = Evidence(
        quality_run=any(k == "quality" for k, _ in results),
        privacy_run=any(k == "privacy" for k, _ in results),
        readiness=next((p for (k, _), p in results.items() if k == "readiness"), None),
        pocs=[p | {"key": key} for (k, key), p in results.items() if k == "poc"],
    )
    for dataset in datasets:
        facts = _facts(dataset, results, copies)
        facts.series = _series(facts, dataset, workspace)
        evidence.datasets.append(facts)
    _assign_areas(evidence.datasets)
    return evidence


def _latest_results(catalog: Catalog) -> dict[tuple[str, str | None], dict[str, Any]]:
    """The newest payload per (kind, dataset or key)."""
    latest: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in catalog.results():
        key = row.key if row.kind in ("poc", "usecases", "readiness") else (
            row.dataset_id or row.key)
        latest[(row.kind, key)] = dict(row.payload or {})
    return latest


def _copies(catalog: Catalog) -> dict[str, str]:
    """dataset id -> id of the dataset it is a copy of.

    Of two identical files, the copy is the one whose path says so (``kopie``, ``archiv``,
    ``backup`` ...); when neither does, the link's source.
    """
    with catalog.session() as session:
        links = list(session.scalars(select(Link).where(Link.kind == "copy_of")))
        locations = {d.id: d.location for d in catalog.datasets()}
    copies = {}
    for link in links:
        source, target = link.source_id, link.target_id
        if says("copy", locations.get(target, "")) and not says(
                "copy", locations.get(source, "")):
            source, target = target, source
        copies.setdefault(source, target)
    return copies


def _facts(dataset: Dataset, results: dict, copies: dict[str, str]) -> Facts:
    privacy = results.get(("privacy", dataset.id))
    personal_findings = [f for f in dataset.findings if f.source == "privacy"]
    personal: bool | None = None
    if privacy is not None:
        personal = bool(privacy.get("kinds")) or bool(personal_findings)
    elif personal_findings:
        personal = True
    rights = dataset.rights
    rights_dict = None
    if rights is not None:
        rights_dict = {"owner": rights.owner, "licence": rights.licence,
                       "legal_basis": rights.legal_basis, "source": rights.source,
                       "ai_training_allowed": rights.ai_training_allowed}
    return Facts(
        id=dataset.id, title=dataset.title, kind=dataset.kind, location=dataset.location,
        path=_readable_path(dataset.location), format=dataset.format or "",
        status=dataset.status, rows=dataset.row_count, byte_size=dataset.byte_size,
        modified_at=dataset.modified_at,
        columns=[{"name": c.name, "type": c.inferred_type, "semantic": c.semantic_type,
                  "details": c.details or {}} for c in dataset.columns],
        details=dict(dataset.details or {}), copy_of=copies.get(dataset.id),
        quality=results.get(("quality", dataset.id)), privacy=privacy, personal=personal,
        rights_known=bool(rights_dict and any(
            rights_dict[k] is not None for k in ("owner", "licence", "legal_basis",
                                                 "ai_training_allowed"))),
        rights=rights_dict, findings=len(dataset.findings),
    )


def _readable_path(location: str) -> str:
    """The path of a file location as text people read (``engine.local_path`` finds the file;
    bytes that are not UTF-8 become U+FFFD here), else ''."""
    path = local_path(location)
    return safe_text(str(path)) if path is not None else ""


def _assign_areas(datasets: list[Facts]) -> None:
    """Area = first folder below the common root of all scanned files (e.g. ``vertrieb``)."""
    with_path = [d for d in datasets if d.path]
    root = os.path.commonpath([os.path.dirname(d.path) for d in with_path]) if with_path else ""
    for d in datasets:
        if not d.path:
            d.area = urlparse(d.location).scheme or "?"
            continue
        d.rel_path = os.path.relpath(d.path, root)
        parts = d.rel_path.split(os.sep)
        folder = len(parts) > 1 or d.kind in ("documents", "images")
        d.area = parts[0] if folder else "."


# -- time series ------------------------------------------------------------------------
def _date_column(columns: list[dict[str, Any]]) -> dict[str, Any] | None:
    dated = [c for c in columns if c["type"] in ("datetime", "date")
             and not says("not_a_time_axis", c["name"])]
    dated.sort(key=lambda c: c["type"] != "datetime")
    return dated[0] if dated else None


def numeric_columns(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in columns if c["type"] in NUMERIC
            and (c["semantic"] or "") not in NOT_A_MEASURE
            and not says_any(NOT_A_MEASURE_NAME, c["name"])]


def semantic_of(column: dict[str, Any]) -> str:
    """``amount``, ``quantity`` or ``measurement``: the scan's word, else guessed from the name."""
    if column.get("semantic") in ("amount", "quantity", "measurement"):
        return column["semantic"]
    return next((m for m in ("amount", "quantity") if says(m, column["name"])), "measurement")


def _series(facts: Facts, dataset: Dataset, workspace: Workspace | None) -> Series | None:
    if facts.kind not in ("table", "database") or not facts.readable:
        return None
    date_col = _date_column(facts.columns)
    numeric = numeric_columns(facts.columns)
    if date_col is None or not numeric:
        return None
    ts = (facts.quality or {}).get("time_series") or {}
    series = Series(
        date_column=ts.get("column") or date_col["name"],
        kind="sensor" if date_col["type"] == "datetime" or ts.get("frequency") in (
            "H", "h", "min", "T", "S") else "business",
        numeric=[{"name": c["name"], "semantic": semantic_of(c)} for c in numeric],
        start=_as_datetime(ts.get("start")), end=_as_datetime(ts.get("end")),
        frequency=ts.get("frequency"),
    )
    if series.start is None:
        series.start, series.end = _span_from_details(date_col) or _span_from_data(
            workspace, dataset, date_col["name"]) or (None, None)
    return series if series.months <= MAX_MONTHS else None


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return None


def _span_from_details(column: dict[str, Any]) -> tuple[datetime, datetime] | None:
    details = column.get("details") or {}
    start, end = _as_datetime(details.get("min")), _as_datetime(details.get("max"))
    return (start, end) if start and end else None


def _span_from_data(workspace: Workspace | None, dataset: Dataset, column: str) -> tuple | None:
    """First and last date, read through the quality engine when no profile has them yet."""
    if workspace is None:
        return None
    try:
        frame = typed_frame(workspace, dataset, columns=[column])
        values = frame[column].dropna()
    except Exception:  # a vanished or broken file must not stop the assessment
        return None
    if values.empty:
        return None
    return _as_datetime(values.min().to_pydatetime()), _as_datetime(values.max().to_pydatetime())
