"""placement dates corrected in the open; escalations withdrawn when raised in error

A wrong admission date could only be left in place or hidden by a release and readmission.
A correction now keeps the date it replaced, why, who and when; an escalation that was raised
only because of the wrong date is withdrawn (kept, and shown as withdrawn).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "placement_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column(
            "moment",
            sa.Enum(
                "ADMISSION",
                "LEAVING",
                name="correctedmoment",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("was_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("corrected_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["user.id"],
            name=op.f("fk_placement_correction_corrected_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_placement_correction_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_placement_correction_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_correction")),
    )
    with op.batch_alter_table("placement_correction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_placement_correction_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_placement_correction_young_person_id"),
            ["young_person_id"],
            unique=False,
        )
    op.add_column("escalation", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
    op.add_column("escalation", sa.Column("withdrawn_reason", sa.String(length=200)))


def downgrade() -> None:
    op.drop_column("escalation", "withdrawn_reason")
    op.drop_column("escalation", "withdrawn_at")
    op.drop_table("placement_correction")
