"""The quality run over a catalog (SQLite and PostgreSQL), history, changed and vanished
files, and the ``quality`` and ``check`` commands."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
import yaml

from datensorgfalt.catalog.models import Finding, Result
from datensorgfalt.services.quality import measure as service
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.workspace import init_workspace
from tests.helpers.quality_data import customers, write_customers


@pytest.fixture
def company(tmp_path: Path) -> Path:
    root = tmp_path / "firma"
    root.mkdir()
    rows = customers()
    index = next(i for i, r in enumerate(rows) if r[3] == "Dortmund")
    rows[index][3] = "Dortmnud"
    write_customers(root / "kunden.csv", rows)
    write_customers(root / "sauber.csv", customers(120, seed=9))
    (root / "typo_row.txt").write_text(str(index), "utf-8")
    return root


def scanned(root: Path, url: str | None = None):
    workspace = init_workspace(root, url)
    catalog = workspace.open_catalog()
    scan(workspace, catalog, [root])
    return workspace, catalog


def test_run_stores_results_and_keeps_history(company: Path, catalog_url: str) -> None:
    workspace, catalog = scanned(company, catalog_url)
    try:
        first = service.run_quality(workspace, catalog)
        second = service.run_quality(workspace, catalog, ["kunden.csv"])
        kunden = catalog.dataset("kunden.csv")
        history = catalog.results("quality", dataset_id=kunden.id)
        assert [r.run_id for r in history] == [first.run_id, second.run_id]
        assert {o.title for o in first.outcomes} == {"kunden.csv", "sauber.csv"}
        with catalog.session() as session:
            findings = session.query(Finding).filter_by(dataset_id=kunden.id,
                                                        source="quality").all()
            # the results keep the history; the findings are the newest run's, once each
            assert {f.run_id for f in findings} == {second.run_id}
            rare = [f for f in findings if f.code == "rare-spelling"]
            assert len(rare) == 1 and rare[0].dimension == "accuracy"
            assert rare[0].column_name == "Ort" and "Dortmnud" in rare[0].message
            assert session.query(Result).filter_by(kind="quality").count() == 3
        report = service.report(catalog, "kunden.csv")
        typo_row = int((company / "typo_row.txt").read_text())
        assert report["run_id"] == second.run_id
        assert [typo_row, "Ort", "rare-spelling"] in report["result"]["cells"]
        assert report["result"]["findings"][0]["severity"] in ("error", "warning")
        assert len(report["history"]) == 2
    finally:
        catalog.close()


def test_file_changed_since_scan_is_read_again(company: Path, catalog_url: str) -> None:
    workspace, catalog = scanned(company, catalog_url)
    try:
        service.run_quality(workspace, catalog, ["sauber.csv"])
        before = _latest_quality(catalog, "sauber.csv")
        write_customers(company / "sauber.csv", customers(150, seed=9))
        os.utime(company / "sauber.csv", (1_700_000_000, 1_700_000_000))
        service.run_quality(workspace, catalog, ["sauber.csv"])
        after = _latest_quality(catalog, "sauber.csv")
        assert (before["rows"], after["rows"]) == (120, 150)
        assert before["staged"] != after["staged"]
        staged = list((workspace.folder / "staged").glob("*.parquet"))
        assert after["staged"] in {p.name for p in staged}
        assert before["staged"] not in {p.name for p in staged}
    finally:
        catalog.close()


def test_vanished_file_becomes_a_finding(company: Path, catalog_url: str) -> None:
    workspace, catalog = scanned(company, catalog_url)
    try:
        (company / "kunden.csv").unlink()
        run = service.run_quality(workspace, catalog)
        outcomes = {o.title: o for o in run.outcomes}
        assert outcomes["sauber.csv"].score is not None
        assert outcomes["kunden.csv"].worst[0]["code"] == "source-vanished"
        findings = catalog.findings(catalog.dataset("kunden.csv").id, ["quality"])
        assert [(f.code, f.severity) for f in findings] == [("source-vanished", "critical")]
        assert "kunden.csv" in findings[0].message
    finally:
        catalog.close()


def test_quality_command_json_show_and_cells(company: Path, cli) -> None:
    scanned(company)[1].close()
    result = cli("quality", "--json", cwd=company)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {d["title"] for d in data["datasets"]} == {"kunden.csv", "sauber.csv"}
    cells = company / "zellen.csv"
    shown = cli("quality", "show", "kunden.csv", "--cells", str(cells), cwd=company)
    assert shown.exit_code == 0, shown.output
    assert "Seltene Schreibweise" in shown.output and "Dortmnud" in shown.output
    rows = list(csv.reader(cells.open(encoding="utf-8")))
    typo_row = (company / "typo_row.txt").read_text()
    assert rows[0] == ["row", "column", "finding"]
    assert [typo_row, "Ort", "rare-spelling"] in rows
    as_json = json.loads(cli("quality", "show", "kunden.csv", "--json", cwd=company).output)
    assert as_json["result"]["cells"] == [[int(r[0]), r[1], r[2]] for r in rows[1:]]
    english = cli("--lang", "en", "quality", "show", "kunden.csv", cwd=company)
    assert "Rare spelling" in english.output and "Overall score" in english.output


def test_quality_run_with_named_dataset_and_unknown_one(company: Path, cli) -> None:
    scanned(company)[1].close()
    result = cli("quality", "run", "sauber.csv", "--json", cwd=company)
    assert [d["title"] for d in json.loads(result.output)["datasets"]] == ["sauber.csv"]
    missing = cli("quality", "run", "gibtsnicht.csv", cwd=company)
    assert missing.exit_code == 1
    assert "Fehler:" in missing.output
    unseen = cli("quality", "show", "kunden.csv", cwd=company)
    assert unseen.exit_code == 1 and "noch kein Prüfergebnis" in unseen.output


def rules_file(folder: Path, checks: list) -> Path:
    path = folder / "regeln.yaml"
    path.write_text(yaml.safe_dump({"datasets": [{"dataset": "kunden.csv", "checks": checks}]},
                                   allow_unicode=True), "utf-8")
    return path


def test_check_passes_and_fails_with_exit_codes(company: Path, cli) -> None:
    scanned(company)[1].close()
    good = rules_file(company, [
        {"not_null": "Kundennr"}, {"unique": "Kundennr"},
        {"between": {"column": "Netto", "min": 0, "max": 2000}},
        {"regex": {"column": "PLZ", "pattern": r"\d{5}"}},
        {"row_count": {"min": 100}},
        {"freshness": {"column": "Datum", "max_age_days": 100_000}},
        {"sql": {"name": "netto <= brutto", "expect": 0,
                 "query": "SELECT count(*) FROM data WHERE Netto > Brutto"}},
    ])
    passed = cli("check", str(good), "--json", cwd=company)
    assert passed.exit_code == 0, passed.output
    assert {r["status"] for r in json.loads(passed.output)} == {"passed"}
    bad = rules_file(company, [
        {"in_set": {"column": "Ort", "values": ["Dortmund", "Essen", "Düsseldorf", "Köln",
                                                 "Münster", "Bielefeld"]}},
        {"freshness": {"column": "Datum", "max_age_days": 1}},
        {"not_null": "Fehlt"},
    ])
    failed = cli("check", str(bad), "--json", cwd=company)
    assert failed.exit_code == 1
    results = json.loads(failed.output)
    assert [r["status"] for r in results] == ["failed", "failed", "error"]
    assert results[0]["detail"]["values"] == ["Dortmnud"]
    shown = cli("check", str(bad), cwd=company)
    assert shown.exit_code == 1 and "verletzt" in shown.output


def test_suggested_rules_hold_on_todays_data(company: Path, cli) -> None:
    scanned(company)[1].close()
    suggested = cli("check", "--suggest", "sauber.csv", cwd=company)
    assert suggested.exit_code == 0, suggested.output
    document = yaml.safe_load(suggested.output)
    kinds = {next(iter(c)) for c in document["datasets"][0]["checks"]}
    assert {"row_count", "not_null", "unique", "between", "in_set", "sql"} <= kinds
    path = company / "vorschlag.yaml"
    path.write_text(suggested.output, "utf-8")
    result = cli("check", str(path), "--json", cwd=company)
    assert result.exit_code == 0, result.output


def test_check_on_a_plain_file_without_workspace(tmp_path: Path, cli) -> None:
    write_customers(tmp_path / "export.csv", customers(50))
    path = tmp_path / "regeln.yaml"
    path.write_text(yaml.safe_dump({"datasets": [{"file": "export.csv", "checks": [
        {"row_count": {"min": 60}}, {"unique": "Kundennr"}]}]}), "utf-8")
    result = cli("check", str(path), "--json", cwd=tmp_path)
    assert result.exit_code == 1
    assert [r["status"] for r in json.loads(result.output)] == ["failed", "passed"]


def test_broken_rules_file_is_a_clear_error(tmp_path: Path, cli) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text("datasets: [unclosed", "utf-8")
    result = cli("check", str(path), cwd=tmp_path)
    assert result.exit_code == 1
    assert "Regeldatei" in result.output


def test_typed_frame_parses_german_numbers_and_dates(company: Path) -> None:
    from datensorgfalt.engine import typed_frame

    workspace, catalog = scanned(company)
    try:
        frame = typed_frame(workspace, catalog.dataset("sauber.csv"), ["Netto", "Datum"])
        assert list(frame.columns) == ["Netto", "Datum"]
        assert len(frame) == 120
        assert frame["Netto"].dtype.kind == "f"
        assert str(frame["Datum"].dtype).startswith("datetime64")
        first = customers(120, seed=9)[0]
        assert frame["Netto"][0] == pytest.approx(float(first[4].replace(",", ".")))
    finally:
        catalog.close()


def test_quality_with_dataset_names_means_run(company: Path, cli) -> None:
    scanned(company)[1].close()
    result = cli("quality", "sauber.csv", "--json", cwd=company)
    assert result.exit_code == 0, result.output
    assert [d["title"] for d in json.loads(result.output)["datasets"]] == ["sauber.csv"]
    everything = cli("quality", "-w", str(company), "--json", cwd=company.parent)
    assert everything.exit_code == 0, everything.output
    assert len(json.loads(everything.output)["datasets"]) == 2


def test_postgresql_table_is_profiled(postgres, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog keeps no credentials; libpq takes the user from PGUSER, as users do."""
    import psycopg

    url = postgres.new_database()
    monkeypatch.setenv("PGUSER", url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kunden (nr int PRIMARY KEY, ort text, umsatz numeric(10,2))")
        conn.execute("INSERT INTO kunden SELECT i, CASE WHEN i = 77 THEN 'Dortmnud' "
                     "ELSE (ARRAY['Dortmund','Essen','Bochum'])[1 + i % 3] END, i * 2.5 "
                     "FROM generate_series(1, 300) i")
    workspace = init_workspace(tmp_path)
    catalog = workspace.open_catalog()
    try:
        scan(workspace, catalog, [url])
        run = service.run_quality(workspace, catalog)
        assert [o.error for o in run.outcomes] == [None]
        payload = catalog.latest_result("quality", dataset_id=run.outcomes[0].dataset_id).payload
        assert payload["rows"] == 300 and payload["keys"] == ["nr"]
        assert [76, "ort", "rare-spelling"] in payload["cells"]
    finally:
        catalog.close()


def test_file_name_that_is_not_utf8_is_profiled_not_vanished(tmp_path: Path, cli,
                                                             catalog_url: str) -> None:
    """``umsatz_\\xe4.csv`` (Latin-1 ä, not UTF-8): scanned, listed, shown and profiled."""
    root = tmp_path / "firma"
    init_workspace(root, catalog_url)
    path = root / "daten" / os.fsdecode(b"umsatz_\xe4.csv")
    path.parent.mkdir(parents=True)
    write_customers(path, customers(80))
    assert os.fsencode(path.name) == b"umsatz_\xe4.csv"
    scanned_now = cli("scan", "daten", "--json", cwd=root)
    assert scanned_now.exit_code == 0, scanned_now.output
    listed = cli("catalog", "list", "--json", cwd=root)
    assert listed.exit_code == 0, listed.output
    entry = next(d for d in json.loads(listed.stdout) if d["title"].startswith("umsatz_"))
    shown = cli("catalog", "show", entry["id"], "--json", cwd=root)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["id"] == entry["id"]

    result = cli("quality", "--json", cwd=root)
    assert result.exit_code == 0, result.output
    outcome = next(d for d in json.loads(result.stdout)["datasets"]
                   if d["dataset_id"] == entry["id"])
    assert outcome["error"] is None and outcome["score"] is not None
    assert "source-vanished" not in {f["code"] for f in outcome["worst"]}
    report = json.loads(cli("quality", "show", entry["id"], "--json", cwd=root).stdout)
    assert report["result"]["rows"] == 80
    assert "source-vanished" not in {f["code"] for f in report["result"]["findings"]}
    assert "Datei verschwunden" not in cli("quality", "show", entry["id"], cwd=root).output


def _latest_quality(catalog, selector: str) -> dict:
    return catalog.latest_result("quality", dataset_id=catalog.dataset(selector).id).payload
