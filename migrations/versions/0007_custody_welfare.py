"""custody welfare notes, self-harm flags (ACCT) and placement reviews

Notes and their amendments are append-only: the database refuses UPDATE on both tables, so the
text first written always stays as it was. The rule for the next placement review meeting is
added to the timescale rules: each meeting sets the date of the next.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("custody_welfare_note", "custody_welfare_note_amendment")
NEXT_PLACEMENT_REVIEW = {
    "key": "next_placement_review",
    "trigger_event": "placement_review_held",
    "action_label": "Next placement review meeting",
    "due_offset": None,
    "due_unit": None,
    "owner_kind": "ESTABLISHMENT",
    "acpc_grace_offset": 2,
    "acpc_grace_unit": "WORKING_DAYS",
    "source": "Local practice: each placement review meeting sets the date of the next.",
    "version_id": 1,
}

CATEGORIES = (
    "DAILY_WELFARE",
    "FAMILY_CONTACT",
    "HEALTH",
    "EDUCATION",
    "INCIDENT",
    "SELF_HARM_OBSERVATION",
    "OTHER",
)
RISK_LEVELS = ("LOW", "RAISED", "HIGH")
OBSERVATION_LEVELS = (
    "STANDARD",
    "HOURLY",
    "EVERY_30_MINUTES",
    "EVERY_15_MINUTES",
    "EVERY_10_MINUTES",
    "EVERY_5_MINUTES",
    "CONSTANT_WATCH",
)


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "custody_notes_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        _fk("custody_notes_seen", "user_id", "user"),
        _fk("custody_notes_seen", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("user_id", "young_person_id", name=op.f("pk_custody_notes_seen")),
    )

    op.create_table(
        "custody_welfare_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("category", _enum(CATEGORIES, "notecategory"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        _fk("custody_welfare_note", "author_id", "user"),
        _fk("custody_welfare_note", "establishment_id", "agency"),
        _fk("custody_welfare_note", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_welfare_note")),
    )
    with op.batch_alter_table("custody_welfare_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_custody_welfare_note_child", ["young_person_id", "written_at"], unique=False
        )

    op.create_table(
        "custody_welfare_note_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("category", _enum(CATEGORIES, "notecategory"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("amended_by_id", sa.Integer(), nullable=False),
        sa.Column("amended_at", sa.DateTime(timezone=True), nullable=False),
        _fk("custody_welfare_note_amendment", "amended_by_id", "user"),
        _fk("custody_welfare_note_amendment", "note_id", "custody_welfare_note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_welfare_note_amendment")),
    )
    with op.batch_alter_table("custody_welfare_note_amendment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_custody_welfare_note_amendment_note", ["note_id", "amended_at"], unique=False
        )

    op.create_table(
        "self_harm_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column(
            "state", _enum(("OPEN", "CLOSED", "POST_CLOSURE_ENDED"), "flagstate"), nullable=False
        ),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("triggers", sa.Text(), nullable=True),
        sa.Column("warning_signs", sa.Text(), nullable=True),
        sa.Column("risk_level", _enum(RISK_LEVELS, "risklevel"), nullable=False),
        sa.Column(
            "observation_level", _enum(OBSERVATION_LEVELS, "observationlevel"), nullable=False
        ),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_establishment_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_establishment_id", sa.Integer(), nullable=False),
        sa.Column("next_review_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("immediate_action_plan", sa.Text(), nullable=True),
        sa.Column("immediate_action_plan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("immediate_action_plan_by_id", sa.Integer(), nullable=True),
        sa.Column("assessment_interview", sa.Text(), nullable=True),
        sa.Column("assessment_interview_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessment_interview_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("post_closure_review", sa.Text(), nullable=True),
        sa.Column("post_closure_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("post_closure_review_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(state = 'OPEN') = (closed_at IS NULL)",
            name=op.f("ck_self_harm_flag_closed_unless_open"),
        ),
        sa.CheckConstraint(
            "(state = 'POST_CLOSURE_ENDED') = (post_closure_review_at IS NOT NULL)",
            name=op.f("ck_self_harm_flag_ended_by_post_closure_review"),
        ),
        _fk("self_harm_flag", "assessment_interview_by_id", "user"),
        _fk("self_harm_flag", "closed_by_id", "user"),
        _fk("self_harm_flag", "immediate_action_plan_by_id", "user"),
        _fk("self_harm_flag", "opened_by_id", "user"),
        _fk("self_harm_flag", "opened_establishment_id", "agency"),
        _fk("self_harm_flag", "post_closure_review_by_id", "user"),
        _fk("self_harm_flag", "reviewed_establishment_id", "agency"),
        _fk("self_harm_flag", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_harm_flag")),
    )
    with op.batch_alter_table("self_harm_flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_self_harm_flag_child", ["young_person_id", "opened_at"], unique=False
        )
        batch_op.create_index(
            "uq_self_harm_flag_open",
            ["young_person_id"],
            unique=True,
            sqlite_where=sa.text("state = 'OPEN'"),
            postgresql_where=sa.text("state = 'OPEN'"),
        )

    op.create_table(
        "self_harm_case_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("yot_attended", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("previous_risk_level", _enum(RISK_LEVELS, "previous_risk_level"), nullable=False),
        sa.Column("risk_level", _enum(RISK_LEVELS, "risklevel"), nullable=False),
        sa.Column(
            "previous_observation_level",
            _enum(OBSERVATION_LEVELS, "previous_observation_level"),
            nullable=False,
        ),
        sa.Column(
            "observation_level", _enum(OBSERVATION_LEVELS, "observationlevel"), nullable=False
        ),
        sa.Column("closes_flag", sa.Boolean(), nullable=False),
        sa.Column("next_review_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "closes_flag = (next_review_due IS NULL)",
            name=op.f("ck_self_harm_case_review_next_review_unless_closing"),
        ),
        _fk("self_harm_case_review", "establishment_id", "agency"),
        _fk("self_harm_case_review", "flag_id", "self_harm_flag"),
        _fk("self_harm_case_review", "recorded_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_harm_case_review")),
    )
    with op.batch_alter_table("self_harm_case_review", schema=None) as batch_op:
        batch_op.create_index("ix_self_harm_case_review_flag", ["flag_id", "held_at"], unique=False)

    op.create_table(
        "placement_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(("LAC_REVIEW", "PLACEMENT_MDM"), "reviewkind"), nullable=False),
        sa.Column(
            "reason",
            _enum(("RISK_TO_SELF", "RISK_TO_OTHERS", "PLANNED"), "meetingreason"),
            nullable=True,
        ),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("yot_attended", sa.Boolean(), nullable=False),
        sa.Column(
            "outcome",
            _enum(("REMAIN", "TRANSFER_RECOMMENDED"), "placementoutcome"),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("transfer_to", sa.String(length=200), nullable=True),
        sa.Column("transfer_reason", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_review_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'PLACEMENT_MDM') = (reason IS NOT NULL)",
            name=op.f("ck_placement_review_reason_for_meetings"),
        ),
        sa.CheckConstraint(
            "(outcome = 'TRANSFER_RECOMMENDED') = (transfer_to IS NOT NULL)",
            name=op.f("ck_placement_review_transfer_has_destination"),
        ),
        _fk("placement_review", "establishment_id", "agency"),
        _fk("placement_review", "recorded_by_id", "user"),
        _fk("placement_review", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_review")),
    )
    with op.batch_alter_table("placement_review", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_review_child", ["young_person_id", "kind", "held_at"], unique=False
        )

    _refuse_updates()
    op.bulk_insert(_timescale_rule(), [NEXT_PLACEMENT_REVIEW])


def downgrade() -> None:
    rule_id = (
        sa.select(sa.column("id"))
        .select_from(sa.table("timescale_rule"))
        .where(sa.column("key") == NEXT_PLACEMENT_REVIEW["key"])
    )
    # Its actions stay, as actions no rule made.
    op.execute(
        sa.table("welfare_action", sa.column("rule_id"))
        .update()
        .where(sa.column("rule_id").in_(rule_id.scalar_subquery()))
        .values(rule_id=None)
    )
    op.execute(_timescale_rule().delete().where(sa.column("key") == NEXT_PLACEMENT_REVIEW["key"]))
    _allow_updates()

    with op.batch_alter_table("placement_review", schema=None) as batch_op:
        batch_op.drop_index("ix_placement_review_child")
    op.drop_table("placement_review")
    with op.batch_alter_table("self_harm_case_review", schema=None) as batch_op:
        batch_op.drop_index("ix_self_harm_case_review_flag")
    op.drop_table("self_harm_case_review")
    with op.batch_alter_table("self_harm_flag", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_self_harm_flag_open",
            sqlite_where=sa.text("state = 'OPEN'"),
            postgresql_where=sa.text("state = 'OPEN'"),
        )
        batch_op.drop_index("ix_self_harm_flag_child")
    op.drop_table("self_harm_flag")
    with op.batch_alter_table("custody_welfare_note_amendment", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_welfare_note_amendment_note")
    op.drop_table("custody_welfare_note_amendment")
    with op.batch_alter_table("custody_welfare_note", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_welfare_note_child")
    op.drop_table("custody_welfare_note")
    op.drop_table("custody_notes_seen")


def _timescale_rule() -> sa.TableClause:
    return sa.table("timescale_rule", *(sa.column(name) for name in NEXT_PLACEMENT_REVIEW))


def _refuse_updates() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION custody_note_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION custody_note_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
            )


def _allow_updates() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION custody_note_append_only()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_update")
