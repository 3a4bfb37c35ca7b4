"""information governance: sharing agreements, disclosures, subject access, retention

An area's children are seen only by agencies that are parties to a current sharing agreement
for the area. So that an upgrade does not lock everyone out, each existing area gets an
agreement carried over from before, with every agency of the area and every establishment as
parties and a review date of today: the administrators' home page flags it at once, to be
replaced by the agreement the agencies signed.

Custody welfare notes and their amendments could already never be updated; now they can be
deleted only for a child whose records an administrator has confirmed for deletion at the end
of the retention period.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ERASABLE = {
    "custody_welfare_note": "OLD.young_person_id",
    "custody_welfare_note_amendment": (
        "(SELECT young_person_id FROM custody_welfare_note WHERE id = OLD.note_id)"
    ),
}
ESTABLISHMENT_KINDS = ("YOI", "STC", "SCH", "SECURE_SCHOOL")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "sharing_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("lawful_basis", sa.Text(), nullable=False),
        sa.Column("data_items", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _fk("sharing_agreement", "area_id", "area"),
        _fk("sharing_agreement", "updated_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement")),
    )
    with op.batch_alter_table("sharing_agreement", schema=None) as batch_op:
        batch_op.create_index("ix_sharing_agreement_area", ["area_id", "starts_on"], unique=False)

    op.create_table(
        "sharing_agreement_party",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        _fk("sharing_agreement_party", "agency_id", "agency"),
        _fk("sharing_agreement_party", "agreement_id", "sharing_agreement"),
        sa.PrimaryKeyConstraint(
            "agreement_id", "agency_id", name=op.f("pk_sharing_agreement_party")
        ),
    )
    with op.batch_alter_table("sharing_agreement_party", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sharing_agreement_party_agency", ["agency_id", "agreement_id"], unique=False
        )

    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            _enum(("WEEKLY_REPORT", "EMAIL", "DOWNLOAD", "PRINT", "EXPORT"), "disclosurechannel"),
            nullable=False,
        ),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("lawful_basis", sa.String(length=500), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        _fk("disclosure", "agreement_id", "sharing_agreement"),
        _fk("disclosure", "user_id", "user"),
        _fk("disclosure", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_disclosure_child", ["young_person_id", "disclosed_at"], unique=False
        )

    op.create_table(
        "subject_access_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=300), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("status", _enum(("PENDING", "READY"), "exportstatus"), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        _fk("subject_access_export", "requested_by_id", "user"),
        _fk("subject_access_export", "young_person_id", "young_person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_export")),
    )
    with op.batch_alter_table("subject_access_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_access_export_young_person_id"),
            ["young_person_id"],
            unique=False,
        )

    op.create_table(
        "retention_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("local_reference", sa.String(length=30), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum(("DUE", "ERASED", "KEPT"), "retentionstatus"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("keep_until", sa.Date(), nullable=True),
        _fk("retention_review", "area_id", "area"),
        _fk("retention_review", "decided_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_review")),
    )
    with op.batch_alter_table("retention_review", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_review_child", ["young_person_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_retention_review_due",
            ["young_person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'DUE'"),
            postgresql_where=sa.text("status = 'DUE'"),
        )

    with op.batch_alter_table("escalation_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_ids", sa.JSON(), server_default="[]", nullable=False))

    _carry_over_agreements()
    _refuse_deletes_unless_erased()


def downgrade() -> None:
    _allow_deletes()
    with op.batch_alter_table("escalation_report", schema=None) as batch_op:
        batch_op.drop_column("child_ids")
    with op.batch_alter_table("retention_review", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_retention_review_due",
            sqlite_where=sa.text("status = 'DUE'"),
            postgresql_where=sa.text("status = 'DUE'"),
        )
        batch_op.drop_index("ix_retention_review_child")
    op.drop_table("retention_review")
    with op.batch_alter_table("subject_access_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_access_export_young_person_id"))
    op.drop_table("subject_access_export")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosure_child")
    op.drop_table("disclosure")
    with op.batch_alter_table("sharing_agreement_party", schema=None) as batch_op:
        batch_op.drop_index("ix_sharing_agreement_party_agency")
    op.drop_table("sharing_agreement_party")
    with op.batch_alter_table("sharing_agreement", schema=None) as batch_op:
        batch_op.drop_index("ix_sharing_agreement_area")
    op.drop_table("sharing_agreement")


def _carry_over_agreements() -> None:
    """One agreement per existing area, so that nobody loses access at the upgrade."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    area = sa.table("area", sa.column("id"), sa.column("name"))
    agency = sa.table("agency", sa.column("id"), sa.column("kind"), sa.column("area_id"))
    agreement = sa.table(
        "sharing_agreement",
        *(
            sa.column(name)
            for name in (
                "id",
                "area_id",
                "title",
                "purpose",
                "lawful_basis",
                "data_items",
                "contact",
                "starts_on",
                "review_by",
                "created_at",
                "updated_at",
            )
        ),
    )
    party = sa.table("sharing_agreement_party", sa.column("agreement_id"), sa.column("agency_id"))
    establishments = [
        row.id
        for row in bind.execute(
            sa.select(agency.c.id).where(agency.c.kind.in_(ESTABLISHMENT_KINDS))
        )
    ]
    for area_id, name in bind.execute(sa.select(area.c.id, area.c.name)).all():
        agreement_id = bind.execute(
            agreement.insert()
            .values(
                area_id=area_id,
                title=f"{name} information sharing (carried over: record the signed agreement)",
                purpose="Safeguarding children in custody, as before this agreement was recorded.",
                lawful_basis="To be recorded from the signed agreement.",
                data_items="To be recorded from the signed agreement.",
                contact="To be recorded from the signed agreement.",
                starts_on=now.date(),
                review_by=now.date(),
                created_at=now,
                updated_at=now,
            )
            .returning(agreement.c.id)
        ).scalar_one()
        area_agencies = [
            row.id
            for row in bind.execute(sa.select(agency.c.id).where(agency.c.area_id == area_id))
        ]
        parties = [{"agreement_id": agreement_id, "agency_id": a} for a in area_agencies]
        parties += [{"agreement_id": agreement_id, "agency_id": e} for e in establishments]
        if parties:
            bind.execute(party.insert(), parties)


def _refuse_deletes_unless_erased() -> None:
    erased = (
        "EXISTS (SELECT 1 FROM retention_review WHERE retention_review.young_person_id = {child} "
        "AND retention_review.status = 'ERASED')"
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, child in ERASABLE.items():
            op.execute(
                f"""
                CREATE FUNCTION {table}_erase_only() RETURNS trigger AS $$
                BEGIN
                    IF NOT {erased.format(child=child)} THEN
                        RAISE EXCEPTION '{table} is append-only: DELETE refused unless the '
                            'child''s records were confirmed for deletion';
                    END IF;
                    RETURN OLD;
                END;
                $$ LANGUAGE plpgsql
                """
            )
            op.execute(
                f"CREATE TRIGGER {table}_erase_only BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_erase_only()"
            )
    else:
        for table, child in ERASABLE.items():
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN NOT {erased.format(child=child)} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused unless the "
                "child''s records were confirmed for deletion'); END"
            )


def _allow_deletes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ERASABLE:
            op.execute(f"DROP TRIGGER {table}_erase_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_erase_only()")
    else:
        for table in ERASABLE:
            op.execute(f"DROP TRIGGER {table}_no_delete")
