"""the longest a case review may set before the next, for each risk level

A case review of a self-harm flag sets the date of the next one. Nothing stopped a flag at high
risk on constant watch being left unreviewed for years. These rules make no action: each says
how long after a case review the next may be set at most, for the risk level the review leaves
the flag at. Administrators can change them like any other rule.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE = (
    "Local practice: ACCT (PSI 64/2011) says case reviews must be held as often as the level "
    "of risk needs."
)
LIMITS = [
    {
        "key": f"case_review_limit_{level.lower()}",
        "trigger_event": "case_review_limit",
        "action_label": f"Next case review at {level.lower()} risk",
        "due_offset": offset,
        "due_unit": unit,
        "owner_kind": "ESTABLISHMENT",
        "acpc_grace_offset": 12,
        "acpc_grace_unit": "HOURS",
        "source": SOURCE,
        "version_id": 1,
    }
    for level, offset, unit in (
        ("HIGH", 24, "HOURS"),
        ("RAISED", 7, "CALENDAR_DAYS"),
        ("LOW", 14, "CALENDAR_DAYS"),
    )
]


def _timescale_rule() -> sa.TableClause:
    return sa.table("timescale_rule", *(sa.column(name) for name in LIMITS[0]))


def upgrade() -> None:
    op.bulk_insert(_timescale_rule(), LIMITS)


def downgrade() -> None:
    op.execute(_timescale_rule().delete().where(sa.column("trigger_event") == "case_review_limit"))
