"""The service's tables: the units (单位) as a tree, the accounts people sign in with (bound
to actors; argon2 password hashes), what happened to an account since (a new password,
disabled, enabled, a sign-out), the API tokens of agency systems (scoped to units and roles,
the SHA-256 of the secret) and their revocations; and the unit a contract belongs to
(``contracts.unit_id``; NULL: the root of the tree).  Every table is append-only and audited;
on PostgreSQL the application role is granted INSERT and SELECT on them after the upgrade
(:func:`outsourcing.registry.roles.grant_application_role`).

Revision ID: 0008_service
Revises: 0007_terminations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_service"
down_revision = "0007_terminations"
branch_labels = None
depends_on = None

ID = sa.String(120)
STAMP = sa.String(40)


def _stamps() -> list[sa.Column[str]]:
    return [sa.Column("recorded_by", ID, nullable=False),
            sa.Column("recorded_at", STAMP, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("parent_id", ID, nullable=True),  # the store checks the parent
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(40), nullable=True),
        *_stamps())
    op.create_index("ix_units_parent_id", "units", ["parent_id"])
    op.create_table(
        "accounts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=False, unique=True),
        sa.Column("unit_id", ID, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        *_stamps())
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", ID, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        *_stamps())
    op.create_index("ix_account_events_account_id", "account_events", ["account_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=False),
        sa.Column("units", sa.Text, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        *_stamps())
    op.create_table(
        "token_revocations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_id", ID, sa.ForeignKey("api_tokens.id"), nullable=False,
                  unique=True),
        sa.Column("reason", sa.Text, nullable=False),
        *_stamps())
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("unit_id", ID, nullable=True))
    op.create_index("ix_contracts_unit_id", "contracts", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_contracts_unit_id", "contracts")
    # not a batch: on SQLite a batch copies the table, which the foreign keys to
    # ``contracts`` refuse; SQLite 3.35 and PostgreSQL drop a plain column in place
    op.execute(sa.text("ALTER TABLE contracts DROP COLUMN unit_id"))
    for table in ("token_revocations", "api_tokens", "account_events", "accounts"):
        op.drop_table(table)
    op.drop_index("ix_units_parent_id", "units")
    op.drop_table("units")
