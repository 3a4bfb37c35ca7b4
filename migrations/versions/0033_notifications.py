"""notifications people read: in the service, and emailed at once or in a morning digest

Every notice went straight to the outbox, one email per event per recipient. Each notice is
now a notification in the service, with an unread count in the header; only what cannot wait
is emailed at once, the rest in one email at 07:00 unless the user chose otherwise.

Revision ID: 0033
Revises: 0032
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("cause_type", sa.String(length=40), nullable=True),
        sa.Column("cause_id", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_due", sa.Boolean(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["email_id"],
            ["outbound_email.id"],
            name=op.f("fk_notification_email_id_outbound_email"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_notification_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index("ix_notification_user", "notification", ["user_id", "created_at"])
    op.create_index(
        "ix_notification_unread",
        "notification",
        ["user_id"],
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_index(
        "ix_notification_digest_due",
        "notification",
        ["user_id"],
        sqlite_where=sa.text("digest_due"),
        postgresql_where=sa.text("digest_due"),
    )
    op.create_index("ix_notification_young_person", "notification", ["young_person_id"])
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column(
                "routine_notices",
                sa.Enum(
                    "IMMEDIATE",
                    "DIGEST",
                    name="delivery",
                    native_enum=False,
                    create_constraint=True,
                    length=9,
                ),
                server_default="DIGEST",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint(op.f("ck_user_delivery"), type_="check")
        batch.drop_column("routine_notices")
    op.drop_table("notification")
