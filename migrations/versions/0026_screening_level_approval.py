"""screening level approval: a level set far below the indicated level waits for a YOT manager

A practitioner level two or more below the level a screening's answers indicate would tell the
establishment the child is at far less risk than the answers say, on one officer's judgement.
Such a screening now reaches the establishment only once a manager of the child's YOT other than
the officer approves the level. The request is a welfare action of the YOT, due four hours after
it is made and raised to the ACPC twelve hours after that; meanwhile the establishment holding
the child is told a screening is on its way, with the level its answers indicate.

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIDE = {
    "key": "screening_level_approval",
    "trigger_event": "screening_level_approval_requested",
    "action_label": "Approve or return a screening's level",
    "due_offset": 4,
    "due_unit": "HOURS",
    "owner_kind": "YOT",
    "acpc_grace_offset": 12,
    "acpc_grace_unit": "HOURS",
    "source": "Local practice: the screening is needed before the child's first night in custody.",
    "version_id": 1,
}


def upgrade() -> None:
    op.bulk_insert(sa.table("timescale_rule", *(sa.column(name) for name in DECIDE)), [DECIDE])


def downgrade() -> None:
    rule_id = (
        sa.select(sa.column("id"))
        .select_from(sa.table("timescale_rule"))
        .where(sa.column("key") == DECIDE["key"])
    )
    # Its actions stay, as actions no rule made.
    op.execute(
        sa.table("welfare_action", sa.column("rule_id"))
        .update()
        .where(sa.column("rule_id").in_(rule_id.scalar_subquery()))
        .values(rule_id=None)
    )
    op.execute(
        sa.table("timescale_rule", sa.column("key"))
        .delete()
        .where(sa.column("key") == DECIDE["key"])
    )
