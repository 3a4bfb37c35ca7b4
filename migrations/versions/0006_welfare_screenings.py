"""YOT welfare screenings, and establishments' record of reading them

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welfare_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "SUBMITTED",
                name="screeningstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("physical_health_needs", sa.Boolean(), nullable=True),
        sa.Column("physical_health_detail", sa.String(length=2000), nullable=True),
        sa.Column("mental_health_diagnosis", sa.Boolean(), nullable=True),
        sa.Column("mental_health_diagnosis_detail", sa.String(length=2000), nullable=True),
        sa.Column("camhs_involvement", sa.Boolean(), nullable=True),
        sa.Column("camhs_detail", sa.String(length=2000), nullable=True),
        sa.Column("mental_health_medication", sa.Boolean(), nullable=True),
        sa.Column("mental_health_medication_detail", sa.String(length=2000), nullable=True),
        sa.Column("self_harm_ever", sa.Boolean(), nullable=True),
        sa.Column("self_harm_detail", sa.String(length=2000), nullable=True),
        sa.Column("last_self_harm_on", sa.Date(), nullable=True),
        sa.Column("self_harm_what_helped", sa.String(length=2000), nullable=True),
        sa.Column("self_harm_recent", sa.Boolean(), nullable=True),
        sa.Column("self_harm_recent_detail", sa.String(length=2000), nullable=True),
        sa.Column("substance_misuse", sa.Boolean(), nullable=True),
        sa.Column("substance_misuse_detail", sa.String(length=2000), nullable=True),
        sa.Column("neurodisability", sa.Boolean(), nullable=True),
        sa.Column("neurodisability_detail", sa.String(length=2000), nullable=True),
        sa.Column("looked_after", sa.Boolean(), nullable=True),
        sa.Column("looked_after_detail", sa.String(length=2000), nullable=True),
        sa.Column("child_protection_plan", sa.Boolean(), nullable=True),
        sa.Column("child_protection_plan_detail", sa.String(length=2000), nullable=True),
        sa.Column("child_protection_concerns", sa.Boolean(), nullable=True),
        sa.Column("child_protection_concerns_detail", sa.String(length=2000), nullable=True),
        sa.Column("bullying", sa.Boolean(), nullable=True),
        sa.Column("bullying_detail", sa.String(length=2000), nullable=True),
        sa.Column("exploitation", sa.Boolean(), nullable=True),
        sa.Column("exploitation_detail", sa.String(length=2000), nullable=True),
        sa.Column("gang_association", sa.Boolean(), nullable=True),
        sa.Column("gang_association_detail", sa.String(length=2000), nullable=True),
        sa.Column("family_contacts", sa.String(length=2000), nullable=True),
        sa.Column("contact_restrictions", sa.Boolean(), nullable=True),
        sa.Column("contact_restrictions_detail", sa.String(length=2000), nullable=True),
        sa.Column("first_time_in_custody", sa.Boolean(), nullable=True),
        sa.Column("must_know_tonight", sa.Boolean(), nullable=True),
        sa.Column("must_know_tonight_detail", sa.String(length=2000), nullable=True),
        sa.Column(
            "indicated_level",
            sa.Enum(
                "LOW",
                "MEDIUM",
                "HIGH",
                "VERY_HIGH",
                name="indicated_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("indicated_reasons", sa.Text(), nullable=True),
        sa.Column(
            "practitioner_level",
            sa.Enum(
                "LOW",
                "MEDIUM",
                "HIGH",
                "VERY_HIGH",
                name="practitioner_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("level_reason", sa.String(length=2000), nullable=True),
        sa.CheckConstraint(
            "(status = 'SUBMITTED') = (submitted_at IS NOT NULL)",
            name=op.f("ck_welfare_screening_submitted_at_when_submitted"),
        ),
        sa.CheckConstraint(
            "status = 'DRAFT' OR practitioner_level IS NOT NULL",
            name=op.f("ck_welfare_screening_submitted_with_level"),
        ),
        sa.ForeignKeyConstraint(
            ["copied_from_id"],
            ["welfare_screening.id"],
            name=op.f("fk_welfare_screening_copied_from_id_welfare_screening"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_welfare_screening_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user.id"], name=op.f("fk_welfare_screening_submitted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_welfare_screening_updated_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_welfare_screening_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_screening")),
    )
    with op.batch_alter_table("welfare_screening", schema=None) as batch_op:
        batch_op.create_index(
            "ix_welfare_screening_young_person", ["young_person_id", "submitted_at"], unique=False
        )
        batch_op.create_index(
            "uq_welfare_screening_draft",
            ["young_person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'DRAFT'"),
            postgresql_where=sa.text("status = 'DRAFT'"),
        )

    op.create_table(
        "screening_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("read_by_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_screening_read_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["read_by_id"], ["user.id"], name=op.f("fk_screening_read_read_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["welfare_screening.id"],
            name=op.f("fk_screening_read_screening_id_welfare_screening"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_read")),
        sa.UniqueConstraint(
            "screening_id", "agency_id", name=op.f("uq_screening_read_screening_id_agency_id")
        ),
    )
    with op.batch_alter_table("screening_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_read_agency_id"), ["agency_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("screening_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_read_agency_id"))

    op.drop_table("screening_read")
    with op.batch_alter_table("welfare_screening", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_welfare_screening_draft",
            sqlite_where=sa.text("status = 'DRAFT'"),
            postgresql_where=sa.text("status = 'DRAFT'"),
        )
        batch_op.drop_index("ix_welfare_screening_young_person")

    op.drop_table("welfare_screening")
