"""one-use tokens: each form is stored once

The same form posted twice at once (a double click, a retried request) stored two identical
notes. Every form that writes now carries a random token; a submission that succeeds stores
it, with where it led, and the same token is never processed again.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_submission",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_form_submission_user_id_user")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submission")),
    )


def downgrade() -> None:
    op.drop_table("form_submission")
