"""a placement's establishment and legal status can be corrected

A correction put right only the date and time of an admission, a transfer or a release. It now
puts right the establishment and the legal status too, and keeps what each said before. A
placement whose establishment is corrected to one that does not hold children of the child's
sex or age needs a placement exception of its own, so a placement may now have more than one.

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGAL_STATUSES = ("REMAND", "DTO", "S250", "S259", "OTHER_SENTENCE")


def _legal_status(name: str) -> sa.Enum:
    return sa.Enum(*LEGAL_STATUSES, name=name, native_enum=False, create_constraint=True, length=14)


def upgrade() -> None:
    with op.batch_alter_table("placement_correction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("was_establishment_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("corrected_establishment_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("was_legal_status", _legal_status("was_legal_status"), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "corrected_legal_status", _legal_status("corrected_legal_status"), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_placement_correction_was_establishment_id_agency"),
            "agency",
            ["was_establishment_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_placement_correction_corrected_establishment_id_agency"),
            "agency",
            ["corrected_establishment_id"],
            ["id"],
        )
    with op.batch_alter_table("placement_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_exception_placement_id"))
        batch_op.create_index(
            batch_op.f("ix_placement_exception_placement_id"), ["placement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("placement_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_exception_placement_id"))
        batch_op.create_index(
            batch_op.f("ix_placement_exception_placement_id"), ["placement_id"], unique=True
        )
    with op.batch_alter_table("placement_correction", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_placement_correction_corrected_establishment_id_agency"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_placement_correction_was_establishment_id_agency"), type_="foreignkey"
        )
        for column in ("corrected_legal_status", "was_legal_status"):
            batch_op.drop_constraint(column, type_="check")
        batch_op.drop_column("corrected_legal_status")
        batch_op.drop_column("was_legal_status")
        batch_op.drop_column("corrected_establishment_id")
        batch_op.drop_column("was_establishment_id")
