"""The catalog store, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect

from datensorgfalt.catalog import Catalog, Column, Dataset, Finding, Link, Result, Rights
from datensorgfalt.catalog.serialize import dataset_to_dict
from datensorgfalt.catalog.store import dataset_id_for
from datensorgfalt.errors import CatalogUnavailable, DatasetNotFound


def _add_sales(catalog: Catalog, location: str = "file:///daten/umsatz.csv") -> str:
    dataset_id = dataset_id_for(location)
    with catalog.session() as session:
        session.add(Dataset(
            id=dataset_id, title="Umsätze 2023–2025", location=location, format="csv",
            dialect={"delimiter": ";", "encoding": "cp1252"}, byte_size=1234,
            modified_at=datetime(2025, 12, 31, 17, 0), fingerprint="abc", row_count=10,
            column_count=2,
            columns=[Column(position=0, name="Datum", inferred_type="date", semantic_type="date"),
                     Column(position=1, name="Betrag €", inferred_type="decimal",
                            semantic_type="amount")],
            findings=[Finding(code="mixed-date-formats", severity="warning", message="zwei",
                              column_name="Datum", evidence={"examples": ["01.02.2024"]})],
        ))
    return dataset_id


def test_schema_is_created_by_migration(catalog: Catalog) -> None:
    tables = set(inspect(catalog.engine).get_table_names())
    assert {"datasets", "columns", "findings", "runs", "links", "rights", "results",
            "alembic_version"} <= tables


def test_reopening_keeps_data(catalog_url: str) -> None:
    first = Catalog.open(catalog_url)
    dataset_id = _add_sales(first)
    first.close()
    second = Catalog.open(catalog_url)  # migrating again is a no-op
    assert second.dataset(dataset_id).title == "Umsätze 2023–2025"
    second.close()


def test_dataset_round_trip_with_unicode_and_json(catalog: Catalog) -> None:
    dataset_id = _add_sales(catalog)
    data = dataset_to_dict(catalog.dataset(dataset_id))
    assert data["dialect"] == {"delimiter": ";", "encoding": "cp1252"}
    assert [c["name"] for c in data["columns"]] == ["Datum", "Betrag €"]
    assert data["findings"][0]["evidence"] == {"examples": ["01.02.2024"]}
    assert data["rows"] == 10


def test_lookup_by_prefix_title_and_location(catalog: Catalog) -> None:
    dataset_id = _add_sales(catalog)
    assert catalog.dataset(dataset_id[:6]).id == dataset_id
    assert catalog.dataset("Umsätze 2023–2025").id == dataset_id
    assert catalog.dataset("file:///daten/umsatz.csv").id == dataset_id
    with pytest.raises(DatasetNotFound):
        catalog.dataset("gibt-es-nicht")


def test_ambiguous_prefix_is_refused(catalog: Catalog) -> None:
    _add_sales(catalog, "file:///a.csv")
    _add_sales(catalog, "file:///b.csv")
    with pytest.raises(DatasetNotFound):
        catalog.dataset("ds-")


def test_failed_unit_of_work_leaves_nothing_behind(catalog: Catalog) -> None:
    with pytest.raises(RuntimeError), catalog.session() as session:
        session.add(Dataset(id="ds-x", title="halb", location="file:///halb.csv"))
        session.flush()
        raise RuntimeError("abgebrochen")
    assert catalog.datasets() == []


def test_runs_record_status_and_summary(catalog: Catalog) -> None:
    run_id = catalog.start_run("scan", {"paths": ["/daten"]})
    catalog.finish_run(run_id, "ok", {"datasets": 3})
    [run] = catalog.runs("scan")
    assert (run.status, run.summary, run.arguments) == ("ok", {"datasets": 3},
                                                        {"paths": ["/daten"]})
    assert run.finished_at is not None


def test_deleted_datasets_are_hidden_unless_asked(catalog: Catalog) -> None:
    dataset_id = _add_sales(catalog)
    with catalog.session() as session:
        session.get(Dataset, dataset_id).status = "deleted"
    assert catalog.datasets() == []
    assert [d.id for d in catalog.datasets(include_deleted=True)] == [dataset_id]


def test_links_rights_results_and_cascade(catalog: Catalog) -> None:
    original = _add_sales(catalog, "file:///a.csv")
    copy = _add_sales(catalog, "file:///kopie/a.csv")
    with catalog.session() as session:
        session.add(Link(source_id=copy, target_id=original, kind="copy_of"))
        session.add(Rights(dataset_id=original, source="own", licence="proprietary",
                           ai_training_allowed=True, restrictions={"sharing": False}))
        session.add(Result(kind="quality", dataset_id=original, payload={"score": 81}))
    assert dataset_to_dict(catalog.dataset(original))["rights"]["licence"] == "proprietary"
    with catalog.session() as session:
        session.delete(session.get(Dataset, original))
    with catalog.session() as session:
        assert session.query(Link).count() == 0
        assert session.query(Result).count() == 0
        assert session.query(Rights).count() == 0


def test_unreachable_database_gives_clear_message() -> None:
    with pytest.raises(CatalogUnavailable) as info:
        Catalog.open("postgresql://nutzer:geheim@127.0.0.1:1/katalog")
    message = str(info.value)
    assert "nicht erreichbar" in message
    assert "geheim" not in message


def _schema(engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"))


def test_new_sqlite_catalog_gets_the_migrated_schema_without_alembic(tmp_path) -> None:
    """``init`` creates a new catalog from the models directly (no alembic import); the
    schema must be the one the migrations build, down to the version stamp."""
    from alembic import command

    from datensorgfalt.catalog.store import alembic_config, create_fresh, make_engine

    fast = Catalog.open(f"sqlite:///{tmp_path / 'fast.sqlite'}")
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    command.upgrade(alembic_config(migrated), "head")
    assert _schema(fast.engine) == _schema(migrated)
    with fast.engine.connect() as a, migrated.connect() as b:
        stamp = "SELECT version_num FROM alembic_version"
        assert a.exec_driver_sql(stamp).all() == b.exec_driver_sql(stamp).all()
    assert not create_fresh(fast.engine)  # a catalog with tables is never created again
    _add_sales(fast)
    fast.close()
    migrated.dispose()


def test_init_creates_the_migrated_catalog_without_sqlalchemy(tmp_path) -> None:
    """``init`` writes a new SQLite catalog from ``schema_sqlite.sql`` without importing
    SQLAlchemy; the schema, the version stamp and WAL mode must be those of a migrated
    catalog, and the file must be usable as any other (after a model or migration changed,
    ``python -m datensorgfalt.catalog.fresh`` writes the schema file again)."""
    import subprocess
    import sys

    from alembic import command

    from datensorgfalt.catalog.fresh import create_fresh_sqlite, head_revision, schema
    from datensorgfalt.catalog.store import alembic_config, make_engine

    assert schema()[0] == head_revision()  # the schema file is for the newest migration
    code = ("import sys; from pathlib import Path; from datensorgfalt.workspace import "
            "init_workspace; init_workspace(Path(sys.argv[1])); "
            "print('sqlalchemy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "neu")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    fast = make_engine(f"sqlite:///{tmp_path / 'neu' / '.datensorgfalt' / 'catalog.sqlite'}")
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    command.upgrade(alembic_config(migrated), "head")
    assert _schema(fast) == _schema(migrated)
    with fast.connect() as a, migrated.connect() as b:
        stamp = "SELECT version_num FROM alembic_version"
        assert a.exec_driver_sql(stamp).all() == b.exec_driver_sql(stamp).all()
        wal = "PRAGMA journal_mode"
        assert a.exec_driver_sql(wal).all() == b.exec_driver_sql(wal).all()
    fast.dispose()
    migrated.dispose()
    url = f"sqlite:///{tmp_path / 'neu' / '.datensorgfalt' / 'catalog.sqlite'}"
    assert not create_fresh_sqlite(url)  # an existing catalog is never created again
    assert not create_fresh_sqlite("postgresql://nutzer@localhost/katalog")
    catalog = Catalog.open(url)
    _add_sales(catalog)
    assert [d.title for d in catalog.datasets()] == ["Umsätze 2023–2025"]
    catalog.close()
