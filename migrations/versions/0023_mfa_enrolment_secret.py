"""the authenticator app's new secret kept on the server while it is set up

The secret offered to a user setting up their authenticator app travelled in the session
cookie, which is signed but not encrypted: anyone who saw the cookie could read it. It is now
kept on the user's row until the user proves their app holds it.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("mfa_enrolment_secret", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("mfa_enrolment_secret")
