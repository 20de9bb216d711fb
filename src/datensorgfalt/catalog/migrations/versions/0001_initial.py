"""Initial catalog: runs, datasets, columns, findings, links, rights, results.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("arguments", sa.JSON, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("location", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("dialect", sa.JSON, nullable=False),
        sa.Column("byte_size", sa.BigInteger, nullable=True),
        sa.Column("modified_at", sa.DateTime, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=True, index=True),
        sa.Column("row_count", sa.BigInteger, nullable=True),
        sa.Column("column_count", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("first_seen_at", sa.DateTime, nullable=False),
        sa.Column("scanned_at", sa.DateTime, nullable=False),
        sa.Column("last_run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
    )
    op.create_table(
        "columns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("inferred_type", sa.String(32), nullable=False),
        sa.Column("semantic_type", sa.String(32), nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_columns_dataset", "columns", ["dataset_id", "position"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("dimension", sa.String(32), nullable=True),
        sa.Column("column_name", sa.String(512), nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_findings_dataset_source", "findings", ["dataset_id", "source"])
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_links_pair", "links", ["source_id", "target_id", "kind"], unique=True)
    op.create_table(
        "rights",
        sa.Column("dataset_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("owner", sa.String(256), nullable=True),
        sa.Column("contact", sa.String(256), nullable=True),
        sa.Column("licence", sa.String(64), nullable=True),
        sa.Column("restrictions", sa.JSON, nullable=False),
        sa.Column("legal_basis", sa.String(128), nullable=True),
        sa.Column("ai_training_allowed", sa.Boolean, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=True),
        sa.Column("dataset_id", sa.String(32),
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_results_kind_dataset", "results", ["kind", "dataset_id"])


def downgrade() -> None:
    for table in ("results", "rights", "links", "findings", "columns", "datasets", "runs"):
        op.drop_table(table)
