"""indexes for national scale: open escalations, and each child's open actions

The escalation scan resolves escalations starting from the few that are open, and the caseload
counts each child's overdue actions through the open ones only; with ten years of history both
would otherwise pass over every escalation or every action of the child.

On PostgreSQL, statistics on (completed_at, cancelled_at) together: open actions are those with
both empty, a few thousand among a million, but the planner, taking the two columns as
independent, guessed tens of thousands and chose plans a hundred times slower for the actions
page.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_ACTION = "completed_at IS NULL AND cancelled_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_escalation_open",
        "escalation",
        ["action_id"],
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_index(
        "ix_welfare_action_open_by_child",
        "welfare_action",
        ["young_person_id", "due_at"],
        sqlite_where=sa.text(OPEN_ACTION),
        postgresql_where=sa.text(OPEN_ACTION),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS st_welfare_action_state (mcv) "
            "ON completed_at, cancelled_at FROM welfare_action"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_welfare_action_state")
    op.drop_index("ix_welfare_action_open_by_child", table_name="welfare_action")
    op.drop_index("ix_escalation_open", table_name="escalation")
