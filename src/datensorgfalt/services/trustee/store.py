"""The trustee's tables (SQLAlchemy Core; SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)

from datensorgfalt.catalog.store import sqlalchemy_url

metadata = MetaData()

participants = Table(
    "participants", metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created", String(40), nullable=False),
    Column("callbacks", Text, nullable=True))  # allowed callback address prefixes, one per line

offers = Table(
    "offers", metadata,
    Column("id", String(80), primary_key=True),
    Column("dataset_id", String(80), nullable=False, unique=True),
    Column("owner", String(80), nullable=False),
    Column("title", String(400), nullable=False),
    Column("file_name", String(400), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("policy", Text, nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("created", String(40), nullable=False))

negotiations = Table(
    "negotiations", metadata,
    Column("provider_pid", String(80), primary_key=True),
    Column("consumer_pid", String(200), nullable=False),
    Column("consumer", String(80), nullable=False),
    Column("offer_id", String(80), nullable=False),
    Column("purpose", String(80), nullable=True),
    Column("state", String(20), nullable=False),
    Column("agreement_id", String(80), nullable=True, unique=True),
    Column("agreement", Text, nullable=True),
    Column("reasons", Text, nullable=True),
    Column("callback", Text, nullable=True))

transfers = Table(
    "transfers", metadata,
    Column("provider_pid", String(80), primary_key=True),
    Column("consumer_pid", String(200), nullable=False),
    Column("consumer", String(80), nullable=False),
    Column("agreement_id", String(80), nullable=False),
    Column("state", String(20), nullable=False),
    Column("token_hash", String(64), nullable=True),
    Column("token_expires", String(40), nullable=True),
    Column("reasons", Text, nullable=True),
    Column("callback", Text, nullable=True))

audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False))


def open_engine(url: str) -> Engine:
    url = sqlalchemy_url(url)
    if url.startswith("postgresql"):
        # the HTTP layer runs requests in up to 40 threads: enough connections for them
        engine = create_engine(url, future=True, pool_size=10, max_overflow=30,
                               pool_pre_ping=True)
    else:
        engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=10000")  # first: the WAL switch may wait
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """Stores made before a column existed get it (nullable, so old rows stay valid)."""
    found = inspect(engine)
    for table in (participants, negotiations, transfers):
        have = {column["name"] for column in found.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable:
                kind = column.type.compile(dialect=engine.dialect)
                with engine.begin() as conn:
                    conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}'))
