"""Actual usage (实际用量) gets a table of its own: a unit-rate line's quantity delivered and a
labour-plus-materials line's materials bought, per period, versioned like the assessments
(a correction is a new version with its reason) and covered by the audit chain.

Revision ID: 0003_usage
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_usage"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", sa.String(120), sa.ForeignKey("contracts.id"),
                  nullable=False),
        sa.Column("line_id", sa.String(120), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("contract_id", "line_id", "period", "version",
                            name="uq_usage_records"))
    op.create_index("ix_usage_records_period", "usage_records", ["contract_id", "period"])


def downgrade() -> None:
    op.drop_index("ix_usage_records_period", "usage_records")
    op.drop_table("usage_records")
