"""Statements gain an indexed due date, their carry into the next period, and their findings
a table of their own — all read from the stored statement documents (a data migration of
every statement already stored).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
import zlib
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.add_column(sa.Column("due_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("carry", sa.Text, nullable=True))
    op.create_index("ix_statements_due_on", "statements", ["due_on"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id"), nullable=False),
        sa.Column("contract_id", sa.String(120), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False))
    op.create_index("ix_findings_statement_id", "findings", ["statement_id"])
    op.create_index("ix_findings_contract_id", "findings", ["contract_id"])
    op.create_index("ix_findings_code", "findings", ["code"])
    bind = op.get_bind()
    st = sa.table("statements", sa.column("id", sa.Integer), sa.column("contract_id"),
                  sa.column("period"), sa.column("document", sa.LargeBinary),
                  sa.column("due_on", sa.Date), sa.column("carry", sa.Text))
    fi = sa.table("findings", sa.column("statement_id"), sa.column("contract_id"),
                  sa.column("period"), sa.column("code"), sa.column("severity"),
                  sa.column("message"))
    rows = bind.execute(sa.select(st.c.id, st.c.contract_id, st.c.period, st.c.document))
    for sid, cid, period, doc in rows.all():
        outer = json.loads(zlib.decompress(doc))
        data = outer["statement"]
        due = data["payment"]["due_on"]
        carry = json.dumps(data["carry"], ensure_ascii=False, separators=(",", ":"))
        bind.execute(st.update().where(st.c.id == sid).values(
            due_on=None if due is None else date.fromisoformat(due), carry=carry))
        # format 1 kept every finding in the statement; format 2 lists them beside it
        found = outer.get("findings") or [[f["code"], f["severity"], f["message"]]
                                          for f in data["findings"]]
        for code, severity, message in found:
            bind.execute(fi.insert().values(statement_id=sid, contract_id=cid, period=period,
                                            code=code, severity=severity, message=message))


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_index("ix_statements_due_on", "statements")
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("carry")
        batch.drop_column("due_on")
