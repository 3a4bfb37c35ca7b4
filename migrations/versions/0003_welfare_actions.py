"""welfare actions and the timescale rules that create them, seeded with the defaults

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNITS = ("HOURS", "WORKING_DAYS", "CALENDAR_DAYS", "MONTHS")
ACCT = "ACCT (PSI 64/2011)"
CARE_PLANNING = "Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33"

# The defaults of DESIGN.md "Default timescales", as they stood when this revision was written.
# (key, trigger event, action, offset, unit, owner, ACPC grace offset, grace unit, source)
DEFAULT_RULES = [
    (
        "welfare_screening_due",
        "child_admitted",
        "Welfare screening",
        1,
        "WORKING_DAYS",
        "YOT",
        2,
        "WORKING_DAYS",
        "RCPCH secure-settings standards 2013; YJB Placement Information Form guidance. "
        "Aim: before the child's first night.",
    ),
    (
        "immediate_action_plan",
        "self_harm_flag_opened",
        "Immediate action plan",
        1,
        "HOURS",
        "ESTABLISHMENT",
        12,
        "HOURS",
        ACCT,
    ),
    (
        "assessment_interview",
        "self_harm_flag_opened",
        "Assessment interview",
        24,
        "HOURS",
        "ESTABLISHMENT",
        12,
        "HOURS",
        ACCT,
    ),
    (
        "first_case_review",
        "self_harm_flag_opened",
        "First case review",
        24,
        "HOURS",
        "ESTABLISHMENT",
        12,
        "HOURS",
        ACCT,
    ),
    (
        "next_case_review",
        "case_review_held",
        "Next case review",
        None,
        None,
        "ESTABLISHMENT",
        12,
        "HOURS",
        f"{ACCT}: each case review sets the date of the next.",
    ),
    (
        "post_closure_review",
        "self_harm_flag_closed",
        "Post-closure review",
        7,
        "CALENDAR_DAYS",
        "ESTABLISHMENT",
        12,
        "HOURS",
        'ACCT form field "date of post-closure interview"; 7 days is local practice.',
    ),
    (
        "first_lac_review",
        "remanded_child_admitted",
        "First LAC review",
        20,
        "WORKING_DAYS",
        "YOT",
        2,
        "WORKING_DAYS",
        f"{CARE_PLANNING}: within 20 working days of becoming looked after.",
    ),
    (
        "second_lac_review",
        "first_lac_review_held",
        "Second LAC review",
        3,
        "MONTHS",
        "YOT",
        2,
        "WORKING_DAYS",
        f"{CARE_PLANNING}: within 3 months of the first review.",
    ),
    (
        "later_lac_review",
        "later_lac_review_held",
        "Next LAC review",
        6,
        "MONTHS",
        "YOT",
        2,
        "WORKING_DAYS",
        f"{CARE_PLANNING}: within 6 months of the previous review.",
    ),
    (
        "initial_planning_meeting",
        "sentenced_child_admitted",
        "Initial planning meeting",
        10,
        "WORKING_DAYS",
        "YOT",
        2,
        "WORKING_DAYS",
        "YJB case management guidance (local rules vary).",
    ),
]
COLUMNS = (
    "key",
    "trigger_event",
    "action_label",
    "due_offset",
    "due_unit",
    "owner_kind",
    "acpc_grace_offset",
    "acpc_grace_unit",
    "source",
)


def upgrade() -> None:
    timescale_rule = op.create_table(
        "timescale_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("trigger_event", sa.String(length=40), nullable=False),
        sa.Column("action_label", sa.String(length=120), nullable=False),
        sa.Column("due_offset", sa.Integer(), nullable=True),
        sa.Column(
            "due_unit",
            sa.Enum(*UNITS, name="due_unit", native_enum=False, create_constraint=True),
            nullable=True,
        ),
        sa.Column(
            "owner_kind",
            sa.Enum(
                "YOT", "ESTABLISHMENT", name="ownerkind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("acpc_grace_offset", sa.Integer(), nullable=False),
        sa.Column(
            "acpc_grace_unit",
            sa.Enum(*UNITS, name="acpc_grace_unit", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(due_offset IS NULL) = (due_unit IS NULL)",
            name=op.f("ck_timescale_rule_offset_and_unit_together"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_timescale_rule_updated_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timescale_rule")),
        sa.UniqueConstraint("key", name=op.f("uq_timescale_rule_key")),
    )
    with op.batch_alter_table("timescale_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timescale_rule_trigger_event"), ["trigger_event"], unique=False
        )

    op.create_table(
        "welfare_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_type", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acpc_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("completion_note", sa.String(length=1000), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancellation_reason", sa.String(length=1000), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "acpc_due_at >= due_at", name=op.f("ck_welfare_action_acpc_due_after_due")
        ),
        sa.CheckConstraint(
            "completed_at IS NULL OR cancelled_at IS NULL",
            name=op.f("ck_welfare_action_completed_or_cancelled"),
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["user.id"], name=op.f("fk_welfare_action_cancelled_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user.id"], name=op.f("fk_welfare_action_completed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_welfare_action_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agency.id"],
            name=op.f("fk_welfare_action_owner_agency_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["timescale_rule.id"],
            name=op.f("fk_welfare_action_rule_id_timescale_rule"),
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_welfare_action_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_action")),
    )
    with op.batch_alter_table("welfare_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_action_open_by_owner",
            ["owner_agency_id", "due_at"],
            unique=False,
            sqlite_where=sa.text("completed_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL AND cancelled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_welfare_action_young_person", ["young_person_id", "due_at"], unique=False
        )

    op.bulk_insert(
        timescale_rule,
        [dict(zip(COLUMNS, rule, strict=True), version_id=1) for rule in DEFAULT_RULES],
    )


def downgrade() -> None:
    with op.batch_alter_table("welfare_action", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_action_young_person")
        batch_op.drop_index(
            "ix_welfare_action_open_by_owner",
            sqlite_where=sa.text("completed_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL AND cancelled_at IS NULL"),
        )

    op.drop_table("welfare_action")
    with op.batch_alter_table("timescale_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timescale_rule_trigger_event"))

    op.drop_table("timescale_rule")
