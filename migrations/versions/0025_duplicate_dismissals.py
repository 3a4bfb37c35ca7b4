"""possible duplicates told apart: a user's word that two children are different, and why

Registering or admitting a child first looks for records that may be the same child. A user
who says the child is a different one gives a reason, kept for each pair so that the pair is
not asked about again.

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("other_young_person_id", sa.Integer(), nullable=False),
        sa.Column(
            "occasion",
            sa.Enum(
                "REGISTRATION",
                "ADMISSION",
                name="duplicateoccasion",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_duplicate_dismissal_young_person_id_young_person"),
        ),
        sa.ForeignKeyConstraint(
            ["other_young_person_id"],
            ["young_person.id"],
            name=op.f("fk_duplicate_dismissal_other_young_person_id_young_person"),
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["user.id"],
            name=op.f("fk_duplicate_dismissal_dismissed_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_dismissal")),
        sa.UniqueConstraint(
            "young_person_id",
            "other_young_person_id",
            name=op.f("uq_duplicate_dismissal_young_person_id_other_young_person_id"),
        ),
    )
    with op.batch_alter_table("duplicate_dismissal") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duplicate_dismissal_young_person_id"), ["young_person_id"]
        )
        batch_op.create_index(
            batch_op.f("ix_duplicate_dismissal_other_young_person_id"), ["other_young_person_id"]
        )


def downgrade() -> None:
    op.drop_table("duplicate_dismissal")
