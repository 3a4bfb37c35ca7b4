"""two-factor sign-in, versioned users, and the audit trail's head and change details

Revision ID: 0004
Revises: 0003

- user: the TOTP secret and the last time step used (codes are single-use), and a version that
  administrators' forms carry so that a stale form is refused.
- audit_event: a short `detail` of a change, and an index for counting recent failed sign-ins by
  email address (the lock-out).
- audit_chain_head: one row holding the newest event and the number of events, so that `audit
  verify` notices events cut from the end of the chain. Filled from the events already there.

Columns are added with plain ALTER TABLE, not a batch copy: on SQLite a copy of audit_event would
lose its append-only triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.add_column("user", sa.Column("mfa_secret", sa.String(length=64), nullable=True))
    op.add_column("user", sa.Column("mfa_last_timestep", sa.Integer(), nullable=True))
    op.add_column("user", sa.Column("version", sa.Integer(), server_default="0", nullable=False))

    op.add_column("audit_event", sa.Column("detail", sa.String(length=200), nullable=True))
    op.create_index(
        "ix_audit_event_user_email", "audit_event", ["user_email", "occurred_at"], unique=False
    )

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    connection = op.get_bind()
    count = connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one()
    last = connection.execute(
        sa.text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")
    ).first()
    op.bulk_insert(
        head,
        [
            {
                "id": 1,
                "event_id": last.id if last else None,
                "hash": last.hash if last else GENESIS_HASH,
                "event_count": count,
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    op.drop_index("ix_audit_event_user_email", table_name="audit_event")
    op.drop_column("audit_event", "detail")
    op.drop_column("user", "version")
    op.drop_column("user", "mfa_last_timestep")
    op.drop_column("user", "mfa_secret")
