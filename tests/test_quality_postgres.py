"""A large PostgreSQL table is profiled inside PostgreSQL: no staged copy, the right values."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from datensorgfalt.services.quality import run_quality
from datensorgfalt.services.scan.runner import scan
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
