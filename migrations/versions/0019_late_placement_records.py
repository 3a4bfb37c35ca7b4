"""why an admission, transfer or release was recorded late

An admission, transfer or release entered more than a day after it happened sets deadlines
that have been running meanwhile, and the next reader needs to know why the record lagged.
The reason is kept with the placement: for its admission, and for its ending.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "placement", sa.Column("admission_late_reason", sa.String(length=500), nullable=True)
    )
    op.add_column(
        "placement", sa.Column("leaving_late_reason", sa.String(length=500), nullable=True)
    )


def downgrade() -> None:
    # Not a batch: copying the table on SQLite would drop its triggers (0012).
    op.drop_column("placement", "leaving_late_reason")
    op.drop_column("placement", "admission_late_reason")
