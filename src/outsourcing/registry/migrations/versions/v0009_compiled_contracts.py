"""Each contract's terms compiled for settlement, kept beside its documents
(``compiled_contracts``): written when a contract is recorded or a change of it decided, and
whenever a month finds none for the rules in force; and each assessment's compact reading
against them (``assessment_readings``), written when it is recorded.  Both are derived from
the audited documents, so the tables start empty (a month compiles and reads what it needs)
and the downgrade drops them without losing anything.

Revision ID: 0009_compiled_contracts
Revises: 0008_service
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_compiled_contracts"
down_revision = "0008_service"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compiled_contracts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", sa.String(120), sa.ForeignKey("contracts.id"),
                  nullable=False),
        sa.Column("decisions", sa.Integer, nullable=False),
        sa.Column("terms_hash", sa.String(64), nullable=False),
        sa.Column("rules_key", sa.String(64), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("compiled_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("contract_id", "decisions", "rules_key",
                            name="uq_compiled_contracts"),
    )


    op.create_table(
        "assessment_readings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("document_hash", sa.String(64), nullable=False),
        sa.Column("terms_hash", sa.String(64), nullable=False),
        sa.Column("rules_key", sa.String(64), nullable=False),
        sa.Column("reading", sa.Text, nullable=False),
        sa.Column("key_id", sa.String(40), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.UniqueConstraint("assessment_id", "terms_hash", "rules_key",
                            name="uq_assessment_readings"),
    )


def downgrade() -> None:
    op.drop_table("assessment_readings")
    op.drop_table("compiled_contracts")
