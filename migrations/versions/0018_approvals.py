"""approvals: a second person's decision where a mistake costs most

A case review could close a self-harm flag while the child was at high risk on constant watch,
or drop the risk from high to low at once, on one person's say. Such a decision now waits for a
manager of the establishment other than the person who recorded it. The request is a welfare
action of the establishment, due four hours after it is made and raised to the ACPC twelve hours
after that, as the other self-harm actions are. A change that lengthens a timescale rule waits
for a second administrator in the same way; ``proposed`` holds the figures it would set.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("PENDING", "APPROVED", "RETURNED", "WITHDRAWN")
PENDING = sa.text("state = 'PENDING'")
DECIDE = {
    "key": "self_harm_approval",
    "trigger_event": "self_harm_approval_requested",
    "action_label": "Approve or return a self-harm flag decision",
    "due_offset": 4,
    "due_unit": "HOURS",
    "owner_kind": "ESTABLISHMENT",
    "acpc_grace_offset": 12,
    "acpc_grace_unit": "HOURS",
    "source": "Local practice: a manager decides within the shift, while the flag stays open.",
    "version_id": 1,
}


def upgrade() -> None:
    op.create_table(
        "approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("approver_agency_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="approvalstate", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(state = 'PENDING') = (decided_at IS NULL)",
            name=op.f("ck_approval_decided_unless_pending"),
        ),
        sa.CheckConstraint(
            "state <> 'RETURNED' OR reason IS NOT NULL",
            name=op.f("ck_approval_returned_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_approval_young_person_id_young_person"),
        ),
        sa.ForeignKeyConstraint(
            ["approver_agency_id"],
            ["agency.id"],
            name=op.f("fk_approval_approver_agency_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_approval_requested_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["welfare_action.id"], name=op.f("fk_approval_action_id_welfare_action")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_approval_decided_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval")),
    )
    op.create_index(
        "uq_approval_pending_subject",
        "approval",
        ["subject_type", "subject_id"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index(
        "ix_approval_pending_by_approver",
        "approval",
        ["approver_agency_id", "requested_at"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index("ix_approval_young_person", "approval", ["young_person_id", "requested_at"])
    op.bulk_insert(sa.table("timescale_rule", *(sa.column(name) for name in DECIDE)), [DECIDE])


def downgrade() -> None:
    op.drop_table("approval")
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
