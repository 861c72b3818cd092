"""The acceptance of a period becomes a recorded input (验收记录), versioned like an
assessment; a payment can name the payment it reverses (冲正) and why.

Revision ID: 0004_money_inputs
Revises: 0003_usage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_money_inputs"
down_revision = "0003_usage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acceptances",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", sa.String(120), sa.ForeignKey("contracts.id"),
                  nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=False),
        sa.Column("acceptance_due", sa.Date, nullable=True),
        sa.Column("accepted_by", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("contract_id", "period", "version", name="uq_acceptances"))
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("reverses", sa.Integer, nullable=True))
        batch.add_column(sa.Column("reason", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("reason")
        batch.drop_column("reverses")
    op.drop_table("acceptances")
