"""why a screening answers "no" where the service held a "yes"

A later screening could answer "never self-harmed" for a child whose earlier screening recorded
cutting, with no question asked. Each section with risk questions now keeps the officer's
explanation of an answer that drops a "yes" the service already holds (an earlier screening,
a self-harm flag).

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "physical_health_explanation",
    "mental_health_explanation",
    "self_harm_explanation",
    "substance_misuse_explanation",
    "neurodisability_explanation",
    "care_status_explanation",
    "child_protection_explanation",
    "risks_from_others_explanation",
    "family_contact_explanation",
)


def upgrade() -> None:
    for column in COLUMNS:
        op.add_column("welfare_screening", sa.Column(column, sa.String(length=2000)))


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column("welfare_screening", column)
