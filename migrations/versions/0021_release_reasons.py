"""why a child left custody, and where they went

A release said only "Released": a child bailed, one moved to hospital under the Mental Health
Act and one who died in custody looked the same. The release now records its reason and where
the child went; a death in custody is never shown as a routine release.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = (
    "END_OF_CUSTODY",
    "BAIL",
    "REMAND_ENDED",
    "NON_CUSTODIAL_SENTENCE",
    "ADULT_ESTATE",
    "HOSPITAL",
    "DEATH_IN_CUSTODY",
)
DESTINATIONS = ("HOME", "CARE_PLACEMENT", "OTHER")
COLUMNS = (
    ("release_reason", "releasereason", REASONS),
    ("release_destination", "releasedestination", DESTINATIONS),
)


def upgrade() -> None:
    bind = op.get_bind()
    for column, constraint, values in COLUMNS:
        length = max(len(value) for value in values)
        if bind.dialect.name == "sqlite":
            # Added with its CHECK in place: copying the table to add one would drop its
            # triggers (0012).
            allowed = ", ".join(f"'{value}'" for value in values)
            op.execute(
                f"ALTER TABLE placement ADD COLUMN {column} VARCHAR({length}) "
                f"CONSTRAINT ck_placement_{constraint} CHECK ({column} IN ({allowed}))"
            )
        else:
            op.add_column(
                "placement",
                sa.Column(
                    column,
                    sa.Enum(
                        *values,
                        name=constraint,
                        native_enum=False,
                        create_constraint=True,
                        length=length,
                    ),
                    nullable=True,
                ),
            )


def downgrade() -> None:
    # Each column's CHECK goes with it. Not a batch on SQLite: copying the table would drop its
    # triggers (0012).
    for column, _constraint, _values in reversed(COLUMNS):
        op.drop_column("placement", column)
