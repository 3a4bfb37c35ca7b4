"""foundation: areas, agencies, users, children, placements and the audit trail

Revision ID: 0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("code", name=op.f("uq_area_code")),
        sa.UniqueConstraint("name", name=op.f("uq_area_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_email", sa.String(length=254), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_audit_event_young_person", ["young_person_id", "occurred_at"], unique=False
        )

    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "YOT",
                "YOI",
                "STC",
                "SCH",
                "SECURE_SCHOOL",
                "ACPC",
                name="agencykind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_agency_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("code", name=op.f("uq_agency_code")),
        sa.UniqueConstraint("name", name=op.f("uq_agency_name")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_area_id"), ["area_id"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "YOT_OFFICER",
                "ESTABLISHMENT_STAFF",
                "ACPC_MEMBER",
                "ADMINISTRATOR",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_user_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "young_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "FEMALE", "MALE", "NOT_KNOWN", name="sex", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("ethnicity", sa.String(length=60), nullable=False),
        sa.Column("local_reference", sa.String(length=30), nullable=False),
        sa.Column("pnc_number", sa.String(length=20), nullable=True),
        sa.Column("home_area_id", sa.Integer(), nullable=False),
        sa.Column(
            "legal_status",
            sa.Enum(
                "REMAND",
                "DTO",
                "S250",
                "S259",
                "OTHER_SENTENCE",
                name="legalstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("child_protection_plan", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_young_person_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["home_area_id"], ["area.id"], name=op.f("fk_young_person_home_area_id_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_young_person")),
        sa.UniqueConstraint(
            "home_area_id",
            "local_reference",
            name=op.f("uq_young_person_home_area_id_local_reference"),
        ),
    )
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_young_person_family_name"), ["family_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_young_person_home_area_id"), ["home_area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_young_person_local_reference"), ["local_reference"], unique=False
        )

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "leaving_reason",
            sa.Enum(
                "TRANSFER",
                "RELEASE",
                "OTHER",
                name="leavingreason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("admitted_by_id", sa.Integer(), nullable=True),
        sa.Column("left_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["admitted_by_id"], ["user.id"], name=op.f("fk_placement_admitted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"], ["agency.id"], name=op.f("fk_placement_establishment_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["left_by_id"], ["user.id"], name=op.f("fk_placement_left_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_placement_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_establishment_current", ["establishment_id", "left_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_placement_young_person_id"), ["young_person_id"], unique=False
        )
        batch_op.create_index(
            "uq_placement_current",
            ["young_person_id"],
            unique=True,
            sqlite_where=sa.text("left_at IS NULL"),
            postgresql_where=sa.text("left_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placement_current",
            sqlite_where=sa.text("left_at IS NULL"),
            postgresql_where=sa.text("left_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_placement_young_person_id"))
        batch_op.drop_index("ix_placement_establishment_current")

    op.drop_table("placement")
    with op.batch_alter_table("young_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_young_person_local_reference"))
        batch_op.drop_index(batch_op.f("ix_young_person_home_area_id"))
        batch_op.drop_index(batch_op.f("ix_young_person_family_name"))

    op.drop_table("young_person")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_agency_id"))

    op.drop_table("user")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_area_id"))

    op.drop_table("agency")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_young_person")
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))

    op.drop_table("audit_event")
    op.drop_table("area")
