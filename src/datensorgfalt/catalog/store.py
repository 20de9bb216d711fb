"""Opening the catalog (SQLite file or PostgreSQL URL), migrating it, and reading it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from datensorgfalt.catalog.fresh import SQLITE_PRAGMAS, VERSION_TABLE, head_revision
from datensorgfalt.catalog.models import Base, Dataset, Finding, Result, Run, utcnow
from datensorgfalt.catalog.results import latest_result, result_history
from datensorgfalt.catalog.urls import mask_url
from datensorgfalt.errors import CatalogUnavailable, DatasetNotFound

if TYPE_CHECKING:
    from alembic.config import Config


def dataset_id_for(location: str) -> str:
    """Stable id of a dataset: the same location always gets the same id."""
    return "ds-" + hashlib.sha256(location.encode("utf-8")).hexdigest()[:10]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def sqlalchemy_url(url: str) -> str:
    """``url`` with the PostgreSQL driver we ship (psycopg 3) named, as SQLAlchemy needs it."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def make_engine(url: str) -> Engine:
    engine = create_engine(sqlalchemy_url(url), future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("datensorgfalt.catalog").joinpath("migrations"))
    )
    config.attributes["engine"] = engine
    return config


def _at_head(engine: Engine) -> bool:
    """Is the catalog's schema already the newest one?"""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version"))\
                .scalars().all()
    except OperationalError:
        return False  # a new catalog: no version table yet
    except Exception:  # noqa: BLE001 - any doubt: let alembic decide
        return False
    return current == [head]


def create_fresh(engine: Engine) -> bool:
    """Give a new, empty SQLite catalog the newest schema and stamp it with the newest
    migration directly: importing alembic to run the migrations costs ``init`` a third of
    its time. False (nothing done) for anything else, which alembic then migrates."""
    head = head_revision()
    if engine.dialect.name != "sqlite" or head is None:
        return False
    with engine.begin() as connection:
        if connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar():
            return False
        Base.metadata.create_all(connection)
        connection.execute(text(VERSION_TABLE))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                           {"head": head})
    return True


class Catalog:
    """The catalog store. ``Catalog.open(url)`` migrates the schema to the newest version."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Catalog:
        engine = make_engine(url)
        try:
            with engine.connect():
                pass
            if migrate and not _at_head(engine) and not create_fresh(engine):
                from alembic import command  # only when there is something to migrate

                command.upgrade(alembic_config(engine), "head")
        except OperationalError as exc:
            raise CatalogUnavailable("error.catalog_unavailable", url=mask_url(url),
                                     reason=str(exc.orig).strip().splitlines()[0]) from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed as a whole, or rolled back as a whole."""
        with self._sessions() as session, session.begin():
            yield session

    # -- runs ---------------------------------------------------------------------------
    def start_run(self, command_name: str, arguments: dict[str, Any] | None = None) -> int:
        with self.session() as session:
            run = Run(command=command_name, arguments=arguments or {})
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.session() as session:
            run = session.get(Run, run_id)
            run.status = status
            # a run that did not end well is never recorded as ok, whatever its summary says
            run.summary = summary if status == "ok" or "ok" not in summary else {
                **summary, "ok": False}
            run.finished_at = utcnow()

    def newest_run_id(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.max(Run.id))) or 0

    def interrupt_runs(self, after: int) -> int:
        """Runs after ``after`` that are still ``running`` become ``interrupted`` (not ok);
        returns how many runs were started after ``after``."""
        with self.session() as session:
            runs = list(session.scalars(select(Run).where(Run.id > after)))
            for run in runs:
                if run.status == "running":
                    run.status = "interrupted"
                    run.summary = {**(run.summary or {}), "ok": False}
                    run.finished_at = utcnow()
            return len(runs)

    def runs(self, command_name: str | None = None) -> list[Run]:
        with self._sessions() as session:
            query = select(Run).order_by(Run.id)
            if command_name:
                query = query.where(Run.command == command_name)
            return list(session.scalars(query))

    # -- datasets -----------------------------------------------------------------------
    def datasets(self, include_deleted: bool = False) -> list[Dataset]:
        with self._sessions() as session:
            query = select(Dataset).options(
                selectinload(Dataset.columns),
                selectinload(Dataset.findings),
                selectinload(Dataset.rights),
            ).order_by(Dataset.location)
            if not include_deleted:
                query = query.where(Dataset.status != "deleted")
            return list(session.scalars(query))

    def dataset(self, id_or_prefix: str) -> Dataset:
        """A dataset by id, unique id prefix, exact location or title."""
        matches = [
            d for d in self.datasets(include_deleted=True)
            if d.id == id_or_prefix or d.location == id_or_prefix or d.title == id_or_prefix
        ]
        if not matches:
            matches = [d for d in self.datasets(include_deleted=True)
                       if d.id.startswith(id_or_prefix)]
        if len(matches) != 1:
            raise DatasetNotFound("error.dataset_not_found", id=id_or_prefix)
        return matches[0]

    def findings(self, dataset_id: str | None = None,
                 sources: Sequence[str] | None = None) -> list[Finding]:
        with self._sessions() as session:
            query = select(Finding).order_by(Finding.id)
            if dataset_id:
                query = query.where(Finding.dataset_id == dataset_id)
            if sources:
                query = query.where(Finding.source.in_(sources))
            return list(session.scalars(query))

    # -- results ------------------------------------------------------------------------
    def results(self, kind: str | None = None, *, key: str | None = None,
                dataset_id: str | None = None) -> list[Result]:
        """Stored results of ``kind``, oldest first (see ``catalog/results.py``)."""
        with self._sessions() as session:
            return result_history(session, kind, key=key, dataset_id=dataset_id)

    def latest_result(self, kind: str, *, key: str | None = None,
                      dataset_id: str | None = None) -> Result | None:
        with self._sessions() as session:
            return latest_result(session, kind, key=key, dataset_id=dataset_id)


