"""Who did what, provably: the audit records carry the key id, a MAC and the database login;
actors carry their login and who proposed them; proposals and their confirmations (four
eyes) and roles granted later have tables of their own; a payment says when its settler paid
it alone (单人操作).  Findings and contract lines already stored get an audit record each
(unsigned: the migration holds no key), so the chain covers every table that decides money.
On PostgreSQL the application role is created and granted INSERT and SELECT only.

Revision ID: 0006_trust
Revises: 0005_final_scores
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outsourcing.registry.chain import link_hash, row_hash
from outsourcing.registry.roles import grant_application_role

revision = "0006_trust"
down_revision = "0005_final_scores"
branch_labels = None
depends_on = None

ID = sa.String(120)
STAMP = sa.String(40)
COVERED = {
    "contract_lines": ("id", "contract_id", "line_id", "service", "site"),
    "findings": ("id", "statement_id", "contract_id", "period", "code", "severity", "message"),
}


def upgrade() -> None:
    with op.batch_alter_table("actors") as batch:
        batch.add_column(sa.Column("login", ID, nullable=True))
        batch.add_column(sa.Column("proposed_by", ID, nullable=True))
        batch.create_unique_constraint("uq_actors_login", ["login"])
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("solo", sa.Integer, nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("key_id", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("mac", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("login", ID, nullable=False, server_default=""))
    op.create_index("ix_audit_object", "audit", ["object"])
    op.create_index("ix_audit_role_at", "audit", ["role", "at"])
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", ID, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("proposed_by", ID, nullable=False),
        sa.Column("proposed_at", STAMP, nullable=False))
    op.create_index("ix_proposals_subject", "proposals", ["subject"])
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), nullable=False,
                  unique=True),
        sa.Column("confirmed_by", ID, nullable=False),
        sa.Column("confirmed_at", STAMP, nullable=False),
        sa.Column("solo", sa.Integer, nullable=True))
    op.create_table(
        "actor_roles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False))
    op.create_index("ix_actor_roles_actor_id", "actor_roles", ["actor_id"])
    _cover_existing_rows()
    grant_application_role(op.get_bind(), op.get_context().config)


def _cover_existing_rows() -> None:
    """One unsigned audit record (actor ``migration``) for each stored finding and contract
    line that has none, appended to the chain in id order."""
    from datetime import UTC, datetime

    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    seq, prev = int(head.seq), str(head.hash)
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    records = []
    for table, cols in COVERED.items():
        done = set(bind.execute(sa.text("SELECT object FROM audit WHERE object LIKE :p"),
                                {"p": f"{table}:%"}).scalars())
        rows = bind.execute(sa.text(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id"))
        for r in rows.mappings():
            obj = f"{table}:{r['id']}"
            if obj in done:  # covered already (a database downgraded and upgraded again)
                continue
            seq += 1
            content = row_hash(cols, (), dict(r))
            h = link_hash(seq, at, "migration", "-", "cover", obj, content, prev)
            records.append({"seq": seq, "at": at, "actor": "migration", "role": "-",
                            "action": "cover", "object": obj, "content_hash": content,
                            "prev_hash": prev, "hash": h})
            prev = h
    if records:
        bind.execute(sa.text(
            "INSERT INTO audit (seq, at, actor, role, action, object, content_hash, "
            "prev_hash, hash) VALUES (:seq, :at, :actor, :role, :action, :object, "
            ":content_hash, :prev_hash, :hash)"), records)
        bind.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"),
                     {"s": seq, "h": prev})


def downgrade() -> None:
    op.drop_table("actor_roles")
    op.drop_table("confirmations")
    op.drop_index("ix_proposals_subject", "proposals")
    op.drop_table("proposals")
    op.drop_index("ix_audit_role_at", "audit")
    op.drop_index("ix_audit_object", "audit")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("login")
        batch.drop_column("mac")
        batch.drop_column("key_id")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("solo")
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint("uq_actors_login", type_="unique")
        batch.drop_column("proposed_by")
        batch.drop_column("login")
