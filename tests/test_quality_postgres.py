"""A large PostgreSQL table is profiled inside PostgreSQL: no staged copy, the right values."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from datensorgfalt.services.quality import database, run_quality
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.sources.base import ReadError
from datensorgfalt.workspace import init_workspace

ROWS = 200_000  # above IN_DATABASE_ROWS: profiled in the database


@pytest.fixture
def orders_db(postgres, monkeypatch: pytest.MonkeyPatch) -> str:
    url = postgres.new_database()
    monkeypatch.setenv("PGUSER", "postgres")  # the catalog keeps locations without a user
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE auftraege (nr bigint, betrag numeric(10,2), menge integer, "
                     "datum date, kunde text, ort text)")
        conn.execute(
            "INSERT INTO auftraege SELECT i, CASE WHEN i % 10 = 0 THEN NULL "
            "ELSE (i % 1000) * 1.25 END, 1 + i % 7, DATE '2024-01-01' + (i % 365), "
            "CASE WHEN i % 50 = 0 THEN 'n/a' WHEN i % 77 = 0 THEN '' ELSE 'Kunde ' || (i % 900) "
            "END, (ARRAY['Essen','Dortmund','Köln','Bochum'])[1 + i % 4] "
            f"FROM generate_series(1, {ROWS}) i")
        conn.execute("UPDATE auftraege SET betrag = 1000000 WHERE nr IN (5, 6, 7)")
    return url


def test_postgres_table_is_profiled_in_the_database(orders_db: str, tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "firma")
    catalog = workspace.open_catalog()
    try:
        assert scan(workspace, catalog, [orders_db]).ok
        table = next(d for d in catalog.datasets() if d.title == "public.auftraege")
        run = run_quality(workspace, catalog, [table.id])
        payload = catalog.latest_result("quality", dataset_id=table.id).payload
    finally:
        catalog.close()
    assert not list(workspace.path("staged").glob("*.parquet"))  # nothing copied out
    assert run.outcomes[0].error is None and payload["profiled_in"] == "postgresql"
    with psycopg.connect(orders_db) as conn:
        expected = conn.execute(
            "SELECT count(betrag), min(betrag)::float8, max(betrag)::float8, "
            "avg(betrag)::float8, count(DISTINCT kunde), count(*) FILTER (WHERE kunde = 'n/a'), "
            "count(*) FILTER (WHERE kunde = '') FROM auftraege").fetchone()
        top_ort = conn.execute("SELECT ort, count(*) FROM auftraege GROUP BY 1 "
                               "ORDER BY 2 DESC, 1").fetchall()
    columns = payload["columns"]
    assert payload["rows"] == ROWS and payload["score"] is not None
    betrag, kunde = columns["betrag"], columns["kunde"]
    assert (betrag["non_null"], betrag["min"], betrag["max"]) == expected[:3]
    assert betrag["mean"] == pytest.approx(expected[3])
    assert betrag["q1"] < betrag["median"] < betrag["q3"] and betrag["outliers"] == 3
    assert (kunde["distinct"], kunde["placeholders"], kunde["blanks"]) == expected[4:]
    assert columns["ort"]["top"] == [list(row) for row in top_ort]
    codes = {(f["code"], f["column"]) for f in payload["findings"]}
    assert {("missing-values", "betrag"), ("placeholder-values", "kunde"),
            ("outliers", "betrag")} <= codes
    assert payload["keys"] == ["nr"] and "table_checks_error" not in payload
    missing = next(f for f in payload["findings"] if f["code"] == "missing-values")
    assert missing["evidence"]["rows"] == [] and missing["evidence"]["rows_unknown"]


def test_a_table_check_the_server_refuses_keeps_the_aggregates(
        orders_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> None:
        raise ReadError("readers.error.db_query", url="db", reason="function does not exist")

    monkeypatch.setattr(database, "table_checks", refused)
    workspace = init_workspace(tmp_path / "firma")
    catalog = workspace.open_catalog()
    try:
        assert scan(workspace, catalog, [orders_db]).ok
        table = next(d for d in catalog.datasets() if d.title == "public.auftraege")
        run_quality(workspace, catalog, [table.id])
        payload = catalog.latest_result("quality", dataset_id=table.id).payload
    finally:
        catalog.close()
    assert payload["score"] is not None and payload["columns"]["betrag"]["outliers"] == 3
    assert "function does not exist" in payload["table_checks_error"]


TABLE_CODES = ("duplicate-rows", "duplicate-key", "conflicting-key", "rule-violation")


@pytest.fixture
def ledger_db(postgres, monkeypatch: pytest.MonkeyPatch) -> str:
    """``kunden``: a text key with placeholders, repeated five times (three copies of whole
    rows, two numbers given to other customers); ``buchungen``: no key, four extra copies of
    three rows (one of them with a blank note), gross below net in 8 rows and the due date
    before the booking date in 10; ``buchungen_sicht``: a view of it (rows without address)."""
    url = postgres.new_database()
    monkeypatch.setenv("PGUSER", "postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kunden (kundennummer text, name text, ort text, "
                     "umsatz numeric(10,2), seit date)")
        fill = ("INSERT INTO kunden SELECT CASE WHEN i % 1000 = 0 THEN 'n/a' ELSE 'K-' || i "
                "END, {name} || i, (ARRAY['Essen','Dortmund','Köln','Bochum'])[1 + i % 4], "
                "(i % 1000) * 1.25, DATE '2020-01-01' + i % 1000 FROM generate_series({rows}) i")
        conn.execute(fill.format(name="'Kunde '", rows=f"1, {ROWS}"))
        conn.execute(fill.format(name="'Kunde '", rows="30, 90, 30"))
        conn.execute(fill.format(name="'Andere '", rows="41, 51, 10"))
        conn.execute("CREATE TABLE buchungen (konto text, betrag numeric(10,2), datum date, "
                     "notiz text, brutto numeric(10,2), faellig date)")
        fill = ("INSERT INTO buchungen SELECT 'K' || (i % 5000), (i % 997) * 1.5, "
                "DATE '2024-01-01' + i % 365, CASE WHEN i % 50 = 0 THEN '' ELSE 'ok' END, "
                "(i % 997) * 1.5 * CASE WHEN i % 25000 = 0 THEN 0.5 ELSE 1.19 END, "
                "DATE '2024-01-01' + i % 365 + CASE WHEN i % 20000 = 0 THEN -1 ELSE 30 END "
                "FROM generate_series(1, {rows}) i")
        conn.execute(fill.format(rows=ROWS))
        conn.execute("INSERT INTO buchungen SELECT * FROM buchungen WHERE (konto, betrag) IN "
                     "(('K7', 10.5), ('K8', 12), ('K50', 75))")
        conn.execute("INSERT INTO buchungen SELECT * FROM buchungen WHERE konto = 'K7' "
                     "AND betrag = 10.5 LIMIT 1")
        conn.execute("CREATE VIEW buchungen_sicht AS SELECT * FROM buchungen")
    return url


def _table_findings(tmp_path: Path, url: str, name: str) -> dict[str, dict]:
    workspace = init_workspace(tmp_path / name)
    catalog = workspace.open_catalog()
    try:
        assert scan(workspace, catalog, [url]).ok
        out = {}
        for table in catalog.datasets():
            if not table.title.startswith("public."):
                continue  # the database itself
            run_quality(workspace, catalog, [table.id])
            payload = catalog.latest_result("quality", dataset_id=table.id).payload
            assert not payload.get("error"), payload
            out[table.title] = {
                "keys": payload["keys"], "rules": payload["rules"],
                "in": payload.get("profiled_in", "staged"),
                "findings": sorted(([f["code"], f["column"], f["evidence"]]
                                    for f in payload["findings"] if f["code"] in TABLE_CODES),
                                   key=str)}
    finally:
        catalog.close()
    return out


def test_duplicates_and_keys_in_the_database_match_the_staged_copy(
        ledger_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = _table_findings(tmp_path, ledger_db, "inside")
    monkeypatch.setattr(database, "IN_DATABASE_ROWS", 10 * ROWS)
    staged = _table_findings(tmp_path, ledger_db, "staged")
    assert {t["in"] for t in inside.values()} == {"postgresql"}
    assert {t["in"] for t in staged.values()} == {"staged"}
    view = inside.pop("public.buchungen_sicht")
    assert [(code, evidence["count"], evidence["rows"], evidence["rows_unknown"])
            for code, _, evidence in view["findings"]] == [
        (code, evidence["count"], [], True)
        for code, _, evidence in inside["public.buchungen"]["findings"]]
    assert view["rules"] == inside["public.buchungen"]["rules"]
    for title in inside:
        assert inside[title]["findings"] == staged[title]["findings"], title
        assert inside[title]["keys"] == staged[title]["keys"], title
        assert inside[title]["rules"] == staged[title]["rules"], title
    kunden = {code: evidence for code, _, evidence in inside["public.kunden"]["findings"]}
    assert kunden["conflicting-key"]["count"] == 5
    assert kunden["conflicting-key"]["values"] == ["K-**", "K-**"]  # a personal key: masked
    assert kunden["conflicting-key"]["differences"] == {"name": ["Ku******", "An******"]}
    assert kunden["conflicting-key"]["rows"] == [40, ROWS + 3, 50, ROWS + 4]
    assert (kunden["duplicate-rows"]["count"], kunden["duplicate-rows"]["row_groups"]) == (
        3, [[29, ROWS], [59, ROWS + 1], [89, ROWS + 2]])  # the copied customers
    rows = inside["public.buchungen"]["findings"]
    assert [(code, evidence["count"]) for code, _, evidence in rows] == [
        ("duplicate-rows", 4), ("rule-violation", 8), ("rule-violation", 10)]
    assert rows[0][2]["groups"] == 3
    assert [(column, evidence["rule"], evidence["rows"][:2]) for _, column, evidence in rows[1:]
            ] == [("brutto", "betrag <= brutto", [24999, 49999]),
                  ("faellig", "datum <= faellig", [19999, 39999])]
