"""Every renderer of quality findings (terminal tables, JSON, the HTML report) takes every
finding code with empty, huge and odd evidence without failing, and shows the text as text."""

from __future__ import annotations

import io
import json
import re
import string
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from datensorgfalt.catalog import Catalog, Dataset, json_safe
from datensorgfalt.catalog.serialize import dataset_to_dict
from datensorgfalt.cli import common
from datensorgfalt.cli.commands import catalog as catalog_command
from datensorgfalt.cli.commands import quality as quality_command
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.quality.findings import CODES, QualityFinding, finding_text, message
from datensorgfalt.services.quality.measure import store
from datensorgfalt.services.quality.profile import Profile
from datensorgfalt.services.report.collect import collect
from datensorgfalt.services.report.render import render_html

SEVERITIES = ("info", "warning", "error", "critical")
# the names the finding texts fill in, and the ones renderers read themselves
PLACEHOLDERS = sorted({name for entry in load("quality_findings").values()
                       for texts in entry.values() if isinstance(texts, dict)
                       for name in re.findall(r"{(\w+)", texts.get("detail", ""))}
                      | {"rows", "values", "formats", "rhythm", "type", "percent"})
ODD_TEXT = st.text(alphabet=string.printable + "[]{}<>&'\"\\/\x00\u202e€äöüß→[/bold]", max_size=40)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), ODD_TEXT,
    st.sampled_from(["[bold]x[/]", "[/]", "<script>alert(1)</script>", "{0}", "{count}",
                     "%s", "=SUM(A1)", "daily", "integer", "dd.mm.yyyy"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=6)
                      | st.dictionaries(ODD_TEXT, inner, max_size=4), max_leaves=12)
HUGE = st.sampled_from([
    {"rows": list(range(20_000)), "values": ["x" * 5_000] * 20, "count": 10**18},
    {"values": "ä" * 50_000, "formats": {f"f{i}": i for i in range(2_000)}},
    {"rows": 123456, "count": "viele", "percent": "12.5 %", "low": float("-inf")},
])
EVIDENCE = st.one_of(
    st.just({}),
    st.dictionaries(st.sampled_from(PLACEHOLDERS) | ODD_TEXT, VALUES, max_size=8),
    HUGE,
)


def findings() -> st.SearchStrategy[list[QualityFinding]]:
    """One finding of every code, each with its own evidence."""
    return st.tuples(*(st.builds(QualityFinding, st.just(code), st.sampled_from(SEVERITIES),
                                 st.none() | ODD_TEXT, EVIDENCE,
                                 st.floats(min_value=0, max_value=1))
                       for code in CODES)).map(list)


def shown(finding: QualityFinding) -> dict:
    """A finding as ``quality show`` hands it to its renderers."""
    data = json_safe(finding.as_dict())
    return data | {"title": finding_text(finding.code), "message": message(finding),
                   "todo": finding_text(finding.code, "todo")}


def render(renderable_or_callable, module=None) -> str:
    out = Console(file=io.StringIO(), width=100, color_system=None)
    if module is None:
        out.print(renderable_or_callable)
    else:
        before = module.console
        module.console = out
        try:
            renderable_or_callable()
        finally:
            module.console = before
    return out.file.getvalue()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(findings())
def test_terminal_and_json_take_any_evidence(found: list[QualityFinding]) -> None:
    rows = [shown(f) for f in found]
    for lang in ("de", "en"):
        for f in found:
            assert isinstance(message(f, lang), str)
    text = render(quality_command._findings_table(rows))
    for row in rows:  # markup in values is printed as text, never interpreted
        if "[/bold]" in row["message"]:
            assert "[/bold]" in text
    data = {"title": "t", "id": "ds-1", "location": "file:///x", "kind": "table",
            "format": "csv", "status": "active", "size": 1, "modified": None, "rows": 1,
            "column_count": 1, "fingerprint": None, "dialect": {}, "rights": {},
            "columns": [], "findings": [{"severity": r["severity"], "code": r["code"],
                                         "message": r["message"]} for r in rows]}
    render(lambda: catalog_command._render_dataset(data), catalog_command)
    result = {"score": 50, "scores": {}, "studies": {}, "findings": rows}
    render(lambda: quality_command.render_report(
        {"dataset": {"id": "ds-1", "title": "[x]"}, "result": result, "history": []}, True),
        quality_command)
    printed = common.to_json({"result": result})
    assert json.loads(printed, parse_constant=_no_constant)["result"]["findings"]


def _no_constant(name: str) -> None:
    raise AssertionError(f"not JSON: {name}")


@pytest.fixture(scope="module")
def report_catalog(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("renderers")
    catalog = Catalog.open(f"sqlite:///{folder / 'catalog.sqlite'}")
    with catalog.session() as session:
        session.add(Dataset(id="ds-odd", location=(folder / "odd.csv").as_uri(),
                            title="odd.csv <b>", kind="table", format="csv", status="active",
                            row_count=3, column_count=2, modified_at=datetime(2025, 1, 1)))
    run_id = catalog.start_run("quality", {})
    yield catalog, run_id
    catalog.close()


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(findings())
def test_stored_findings_reach_catalog_json_and_html_report(report_catalog,
                                                            found: list[QualityFinding]) -> None:
    catalog, run_id = report_catalog
    dataset = catalog.dataset("ds-odd")
    store(catalog, dataset, run_id, Profile({"rows": 3, "score": 50, "scores": {},
                                             "findings": [f.as_dict() for f in found]}, found))
    stored = dataset_to_dict(catalog.dataset("ds-odd"))
    assert len(stored["findings"]) == len(CODES)  # the newest run's, once each
    json.loads(common.to_json(stored), parse_constant=_no_constant)
    html = render_html(collect(None, catalog) | {"charts": {}})
    assert "<script>alert" not in html and "odd.csv &lt;b&gt;" in html


def test_rows_are_named_in_german_counted_from_one() -> None:
    finding = QualityFinding("missing-values", "warning", "PLZ",
                             {"count": 3, "total": 9, "percent": "33.3 %", "rows": [0, 1, 2]})
    text = render(quality_command._findings_table([shown(finding)]))
    assert "Zeilen 1, 2, 3" in text and "rows" not in text
    assert "33,3 %" in text
    empty = QualityFinding("empty-column", "warning", "Leer", {"rows": 45, "missing": 45})
    assert "45 Zeilen" in render(quality_command._findings_table([shown(empty)]))


def test_numbers_types_and_date_patterns_in_german() -> None:
    outliers = QualityFinding("outliers", "warning", "Netto",
                              {"count": 5, "low": -8054.2, "high": 16200.4, "values": []})
    assert "-8.054 bis 16.200" in message(outliers, "de")
    assert "-8,054 to 16,200" in message(outliers, "en") or "16,200" in message(outliers, "en")
    mismatch = QualityFinding("type-mismatch", "warning", "Menge",
                              {"count": 1, "total": 9, "type": "integer", "values": ["x"]})
    assert "kein ganze Zahl" in message(mismatch, "de") or "ganze Zahl" in message(mismatch)
    dates = QualityFinding("mixed-date-formats", "warning", "Datum",
                           {"formats": {"dd.mm.yyyy": 10, "yyyy-mm-dd": 2}, "values": []})
    assert "TT.MM.JJJJ: 10, JJJJ-MM-TT: 2" in message(dates, "de")
