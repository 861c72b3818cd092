"""The registry's first schema: actors, contracts and their lines, changes and decisions,
assessments, statements, payments and the audit chain.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(120)
STAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("supplier_id", ID, nullable=True),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False))
    op.create_index("ix_actors_supplier_id", "actors", ["supplier_id"])
    op.create_table(
        "contracts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("jurisdiction", sa.String(40), nullable=False),
        sa.Column("purchaser_id", ID, nullable=False),
        sa.Column("supplier_id", ID, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("term_start", sa.Date, nullable=False),
        sa.Column("term_end", sa.Date, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False))
    op.create_index("ix_contracts_jurisdiction", "contracts", ["jurisdiction"])
    op.create_index("ix_contracts_supplier_id", "contracts", ["supplier_id"])
    op.create_table(
        "contract_lines",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("line_id", ID, nullable=False),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.UniqueConstraint("contract_id", "line_id", name="uq_contract_lines"))
    op.create_index("ix_contract_lines_service", "contract_lines", ["service"])
    op.create_index("ix_contract_lines_site", "contract_lines", ["site"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("change_id", ID, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("proposed_by", ID, nullable=False),
        sa.Column("proposed_at", STAMP, nullable=False),
        sa.UniqueConstraint("contract_id", "change_id", name="uq_changes"))
    op.create_index("ix_changes_contract_id", "changes", ["contract_id"])
    op.create_table(
        "change_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("change_id", ID, nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("term_end", sa.Date, nullable=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("decided_by", ID, nullable=False),
        sa.Column("decided_at", STAMP, nullable=False),
        sa.UniqueConstraint("contract_id", "change_id", name="uq_change_decisions"))
    op.create_index("ix_change_decisions_contract_id", "change_decisions", ["contract_id"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("line_id", ID, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False),
        sa.UniqueConstraint("contract_id", "line_id", "period", "version",
                            name="uq_assessments"))
    op.create_index("ix_assessments_period", "assessments", ["contract_id", "period"])
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("supersedes", sa.Integer, nullable=True),
        sa.Column("inputs_hash", sa.String(64), nullable=False),
        sa.Column("payable_fen", sa.BigInteger, nullable=False),
        sa.Column("difference_fen", sa.BigInteger, nullable=False),
        sa.Column("document", sa.LargeBinary, nullable=False),
        sa.Column("settled_by", ID, nullable=False),
        sa.Column("settled_at", STAMP, nullable=False),
        sa.UniqueConstraint("contract_id", "period", "version", name="uq_statements"))
    op.create_index("ix_statements_period", "statements", ["period"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", ID, sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False))
    op.create_index("ix_payments_period", "payments", ["contract_id", "period"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False))
    op.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)")
               .bindparams(h="0" * 64))


def downgrade() -> None:
    for table in ("audit_head", "audit", "payments", "statements", "assessments",
                  "change_decisions", "changes", "contract_lines", "contracts", "actors"):
        op.drop_table(table)
