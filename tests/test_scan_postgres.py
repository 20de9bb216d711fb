"""Scanning a real PostgreSQL database (the test cluster): tables, row counts, types,
read-only access, a refused connection as a finding."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from datensorgfalt.catalog import Catalog
from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.postgres import connect
from datensorgfalt.sources.registry import open_location, open_tables
from tests.helpers.processes import free_port
from tests.helpers.scan import run_scan


@pytest.fixture
def company_db(postgres) -> str:
    url = postgres.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA vertrieb")
        conn.execute("CREATE TABLE vertrieb.auftraege (nr serial PRIMARY KEY, kunde text, "
                     "betrag numeric(10,2), datum date, email text)")
        conn.execute("INSERT INTO vertrieb.auftraege (kunde, betrag, datum, email) "
                     "SELECT 'Kunde ' || i, i * 1.5, DATE '2025-01-01' + i, "
                     "'k' || i || '@firma.de' FROM generate_series(1, 250) i")
        conn.execute("CREATE TABLE public.maschinen (id int, name text)")
        conn.execute("INSERT INTO public.maschinen VALUES (1, 'Presse 1'), (2, 'Presse 2')")
    return url


def _masked_host(url: str) -> str:
    return url.split("@", 1)[1].rsplit("/", 1)[0]


def test_scan_postgres_database(company_db: str, catalog_url: str, tmp_path: Path) -> None:
    catalog = Catalog.open(catalog_url)
    try:
        report = run_scan(catalog, tmp_path, company_db)
        assert report.ok and report.new == 1
        datasets = {d.title: d for d in catalog.datasets()}
        orders = datasets["vertrieb.auftraege"]
        host = _masked_host(company_db)
        assert orders.location == f"postgresql://{host}/{company_db.rsplit('/', 1)[1]}" \
            "/vertrieb.auftraege"
        assert "postgres@" not in orders.location
        assert orders.row_count == 250 and orders.format == "postgresql"
        types = {c.name: (c.inferred_type, c.semantic_type) for c in orders.columns}
        assert types["betrag"][0] == "decimal" and types["datum"] == ("date", "date")
        assert types["email"] == ("text", "email") and types["nr"][0] == "integer"
        assert datasets["public.maschinen"].row_count == 2
        declared = {c.name: c.details["declared_type"] for c in orders.columns}
        assert declared["betrag"] == "numeric" and declared["datum"] == "date"
        again = run_scan(catalog, tmp_path, company_db)
        assert again.unchanged == 1 and again.new == again.changed == 0
        with psycopg.connect(company_db, autocommit=True) as conn:
            conn.execute("DROP TABLE public.maschinen")
        third = run_scan(catalog, tmp_path, company_db)
        assert third.changed == 1
        assert "public.maschinen" not in {d.title for d in catalog.datasets()}
    finally:
        catalog.close()


def test_reader_is_read_only(company_db: str) -> None:
    tables = open_tables(company_db)
    assert {t.name for t in tables} == {"vertrieb.auftraege", "public.maschinen"}
    table = open_location(tables[0].location.replace("postgresql://",
                                                     "postgresql://postgres@"))
    assert sum(b.num_rows for b in table.batches(100)) == table.row_count
    with connect(company_db) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("DELETE FROM public.maschinen")


def test_refused_connection_is_a_finding(catalog, tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://nutzer:geheim@127.0.0.1:{port}/firma"
    with pytest.raises(ReadError):
        open_tables(url)
    report = run_scan(catalog, tmp_path, url)
    assert report.exit_code == 1
    failure = report.failures[0]
    assert failure["code"] == "db-refused" and "nicht erreichbar" in failure["message"]
    assert "geheim" not in failure["message"] and "geheim" not in failure["location"]
    stored = catalog.datasets()[0]
    assert stored.kind == "database" and stored.status == "error"
