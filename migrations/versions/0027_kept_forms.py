"""kept forms: what was typed survives a timeout

A form sent after the session ended was lost. It is now kept, encrypted, for the user who
typed it, for 24 hours, and given back once after they sign in again.

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_kept_form_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_form")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_kept_form_token_digest")),
    )
    with op.batch_alter_table("kept_form") as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_form_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_kept_form_kept_at"), ["kept_at"])


def downgrade() -> None:
    op.drop_table("kept_form")
