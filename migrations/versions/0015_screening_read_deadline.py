"""a deadline for the establishment to read the YOT's welfare screening

The service exists so that the YOT's welfare screening reaches the establishment before the
child's first night. The YOT's deadline to submit it was watched; the establishment's reading of
it was not. This rule makes reading it an action of the establishment holding the child, due
four hours after the screening reaches it (submitted while the child is held, or the child
admitted with a recent one), and raised to the area's ACPC twelve hours after that, as the
self-harm actions are.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READ_SCREENING = {
    "key": "welfare_screening_read",
    "trigger_event": "welfare_screening_received",
    "action_label": "Read the YOT's welfare screening",
    "due_offset": 4,
    "due_unit": "HOURS",
    "owner_kind": "ESTABLISHMENT",
    "acpc_grace_offset": 12,
    "acpc_grace_unit": "HOURS",
    "source": "Local practice: the screening is sent so that the establishment reads it before "
    "the child's first night.",
    "version_id": 1,
}


def _timescale_rule() -> sa.TableClause:
    return sa.table("timescale_rule", *(sa.column(name) for name in READ_SCREENING))


def upgrade() -> None:
    op.bulk_insert(_timescale_rule(), [READ_SCREENING])


def downgrade() -> None:
    rule_id = (
        sa.select(sa.column("id"))
        .select_from(sa.table("timescale_rule"))
        .where(sa.column("key") == READ_SCREENING["key"])
    )
    # Its actions stay, as actions no rule made.
    op.execute(
        sa.table("welfare_action", sa.column("rule_id"))
        .update()
        .where(sa.column("rule_id").in_(rule_id.scalar_subquery()))
        .values(rule_id=None)
    )
    op.execute(_timescale_rule().delete().where(sa.column("key") == READ_SCREENING["key"]))
