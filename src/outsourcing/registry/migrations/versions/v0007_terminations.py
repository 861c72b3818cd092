"""A decision that terminates a contract says so in a column of its own
(``change_decisions.terminates``: 1 for a signed termination, else NULL), which the status
queries read instead of searching the stored change for its kind.  The upgrade fills it for
the decisions already stored, from the kind of the change they decided (``changes.kind``,
covered by the audit chain); the column is derived (the walk along the chain checks it
against the decision's document), so the downgrade drops it without losing anything.

Revision ID: 0007_terminations
Revises: 0006_trust
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_terminations"
down_revision = "0006_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_decisions") as batch:
        batch.add_column(sa.Column("terminates", sa.Integer, nullable=True))
    op.execute(sa.text(
        "UPDATE change_decisions SET terminates = 1 WHERE decision = 'signed' AND EXISTS "
        "(SELECT 1 FROM changes WHERE changes.contract_id = change_decisions.contract_id "
        "AND changes.change_id = change_decisions.change_id AND changes.kind = 'terminate')"))


def downgrade() -> None:
    with op.batch_alter_table("change_decisions") as batch:
        batch.drop_column("terminates")
