"""A line's final assessment score (年度/期满考核得分) becomes a recorded input: versioned like
an assessment (a correction needs a reason), audited, and read when a holdback is released by
the result.

Revision ID: 0005_final_scores
Revises: 0004_money_inputs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_final_scores"
down_revision = "0004_money_inputs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "final_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", sa.String(120), sa.ForeignKey("contracts.id"),
                  nullable=False),
        sa.Column("line_id", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("score", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("contract_id", "line_id", "version", name="uq_final_scores"))


def downgrade() -> None:
    op.drop_table("final_scores")
