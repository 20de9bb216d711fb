"""A new, empty SQLite catalog made without SQLAlchemy: ``init`` runs the schema the models
and migrations define (``schema_sqlite.sql``, written by ``python -m
datensorgfalt.catalog.fresh``) through :mod:`sqlite3` and stamps it with the newest migration.
Importing SQLAlchemy and building the tables from the models was most of ``init``'s time.

Everything else (PostgreSQL, an existing file, a schema file older than the newest migration)
goes through :meth:`datensorgfalt.catalog.store.Catalog.open`; a test holds the two ways equal.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from importlib import resources
from pathlib import Path

SCHEMA_FILE = "schema_sqlite.sql"
SQLITE_PREFIX = "sqlite:///"
#: Every SQLite catalog connection, in this order. The wait first: switching a new catalog to
#: WAL needs a moment alone with the file, and another process may be reading it right then
#: (a second command, the web app). WAL + foreign keys: readers never block the one writer;
#: a killed writer leaves the last committed state behind.
SQLITE_PRAGMAS = ("busy_timeout=30000", "journal_mode=WAL", "foreign_keys=ON")

#: The version table as alembic creates it on SQLite (a test holds both ways equal).
VERSION_TABLE = ("CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
                 "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)")


def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files (importing alembic to
    learn it costs every command a quarter second); None when it is not one clear head."""
    revisions, parents = set(), set()
    folder = resources.files("datensorgfalt.catalog").joinpath("migrations", "versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py"):
            continue
        source = entry.read_text(encoding="utf-8")
        revision = re.search(r'^revision\s*=\s*["\']([^"\']+)["\']', source, re.M)
        parent = re.search(r'^down_revision\s*=\s*["\']([^"\']+)["\']', source, re.M)
        if revision:
            revisions.add(revision.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def schema() -> tuple[str | None, list[str]]:
    """The revision ``schema_sqlite.sql`` was written for and its statements, in order."""
    text = resources.files("datensorgfalt.catalog").joinpath(SCHEMA_FILE).read_text("utf-8")
    found = re.match(r"-- revision: (\S+)\n", text)
    body = text[found.end():] if found else text
    return (found.group(1) if found else None,
            [part.strip() for part in body.split(";\n") if part.strip()])


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (other databases,
    in-memory, URL options), which SQLAlchemy opens."""
    if not url.startswith(SQLITE_PREFIX) or "?" in url:
        return None
    name = url[len(SQLITE_PREFIX):]
    return Path(name) if name and name != ":memory:" else None


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas every catalog connection gets (``SQLITE_PRAGMAS``)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")
    return connection


def knows_file(url: str, location: str) -> bool | None:
    """Whether the SQLite catalog at ``url`` holds a dataset of the file at ``location`` (or
    of one of its tables, ``location#...``), in any state; None when SQLite cannot tell (no
    such file, another database, busy)."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=1.0)) as connection:
            row = connection.execute(
                "SELECT 1 FROM datasets WHERE location = ? OR substr(location, 1, ?) = ? "
                "LIMIT 1", (location, len(location) + 1, location + "#")).fetchone()
    except sqlite3.Error:
        return None
    return row is not None


def create_fresh_sqlite(url: str) -> bool:
    """Create the catalog at ``url`` from the schema file when it is a new SQLite file; False
    (nothing changed) when it is not, the schema file is not for the newest migration, or
    SQLite refused (then :meth:`Catalog.open` decides and words any error)."""
    path = sqlite_file(url)
    if path is None or (path.exists() and path.stat().st_size):
        return False
    revision, statements = schema()
    head = head_revision()
    if head is None or revision != head:
        return False
    try:
        connection = connect_sqlite(path)
    except sqlite3.Error:
        return False
    try:
        connection.execute("BEGIN IMMEDIATE")
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            connection.execute("ROLLBACK")
            return False
        for statement in statements:
            connection.execute(statement)
        connection.execute(VERSION_TABLE)
        connection.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
        connection.execute("COMMIT")
        return True
    except sqlite3.Error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        return False
    finally:
        connection.close()


def write_schema(target: Path) -> None:
    """Write ``schema_sqlite.sql`` from the models (after a model or migration changed)."""
    from sqlalchemy import create_engine

    from datensorgfalt.catalog.models import Base

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").all()
    engine.dispose()
    target.write_text(f"-- revision: {head_revision()}\n"
                      + "".join(f"{sql};\n" for (sql,) in rows), "utf-8")


if __name__ == "__main__":
    write_schema(Path(__file__).with_name(SCHEMA_FILE))
