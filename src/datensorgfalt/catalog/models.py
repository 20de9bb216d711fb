"""SQLAlchemy model of the catalog.

Fixed columns hold what every dataset has (location, size, fingerprint, shape); ``details``
and ``payload`` JSON columns hold what a service adds (dialect, profile, privacy findings, PoC
metrics), so later services fit without reshaping the tables. Schema changes go through the
Alembic migrations in ``catalog/migrations``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One invocation of a command (scan, quality, privacy, poc ...) and its outcome."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # running | ok | failed | interrupted
    status: Mapped[str] = mapped_column(String(16), default="running")
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Dataset(Base):
    """Something the company has: a table, a sheet, a database table, a folder of documents."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(512))
    location: Mapped[str] = mapped_column(Text, unique=True)
    # table | documents | images | database | unreadable
    kind: Mapped[str] = mapped_column(String(16), default="table")
    format: Mapped[str] = mapped_column(String(32), default="")
    dialect: Mapped[dict[str, Any]] = mapped_column(default=dict)
    byte_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    modified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    row_count: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    column_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # active | deleted | error
    status: Mapped[str] = mapped_column(String(16), default="active")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    scanned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)

    columns: Mapped[list[Column]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Column.position"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan"
    )
    rights: Mapped[Rights | None] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", uselist=False
    )


class Column(Base):
    __tablename__ = "columns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(512))
    # integer | decimal | boolean | date | datetime | time | text | binary
    inferred_type: Mapped[str] = mapped_column(String(32), default="text")
    # date | amount | quantity | postal_code | email | phone | iban | identifier | free_text
    # | category | measurement | other
    semantic_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    dataset: Mapped[Dataset] = relationship(back_populates="columns")

    __table_args__ = (Index("ix_columns_dataset", "dataset_id", "position"),)


class Finding(Base):
    """A fact a service found, with a kebab-case code, a severity and the evidence."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), nullable=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    # which service wrote it: scan | quality | privacy | ...
    source: Mapped[str] = mapped_column(String(32), default="scan")
    code: Mapped[str] = mapped_column(String(64))
    # info | warning | error | critical
    severity: Mapped[str] = mapped_column(String(16), default="info")
    dimension: Mapped[str | None] = mapped_column(String(32), nullable=True)
    column_name: Mapped[str | None] = mapped_column(String(512), nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    dataset: Mapped[Dataset | None] = relationship(back_populates="findings")

    __table_args__ = (Index("ix_findings_dataset_source", "dataset_id", "source"),)


class Link(Base):
    """A relation between two datasets: ``copy_of`` (same content), ``derived_from``."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    target_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_links_pair", "source_id", "target_id", "kind", unique=True),)


class Rights(Base):
    """Who owns a dataset and what the company may do with it."""

    __tablename__ = "rights"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str | None] = mapped_column(String(32), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(256), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(256), nullable=True)
    licence: Mapped[str | None] = mapped_column(String(64), nullable=True)
    restrictions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    legal_basis: Mapped[str | None] = mapped_column(String(128), nullable=True)
    ai_training_allowed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="rights")


class Result(Base):
    """What a service computed, as plain data: a quality profile, a privacy scan, readiness
    answers, use-case matches, a PoC. ``kind`` says which; history is kept per run."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), nullable=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (Index("ix_results_kind_dataset", "kind", "dataset_id"),)
