"""whom each establishment holds, and placement exceptions

Nothing stopped a 12-year-old girl being admitted to a young offender institution. Each
establishment now records the sexes and ages it holds, editable by administrators; existing
establishments get their kind's default (yoi_welfare/domain/estate.py gives the sources: boys
of 15 to 17 in a YOI; girls and boys of 12 to 17 in an STC or a secure school, of 10 to 17 in a
secure children's home). A child placed outside them needs a placement exception with its
reason, kept here.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# kind: (boys, girls, youngest, oldest), as in yoi_welfare/domain/estate.py when written.
DEFAULTS = {
    "YOI": (True, False, 15, 17),
    "STC": (True, True, 12, 17),
    "SCH": (True, True, 10, 17),
    "SECURE_SCHOOL": (True, True, 12, 17),
}


def upgrade() -> None:
    for name, kind in (
        ("holds_boys", sa.Boolean()),
        ("holds_girls", sa.Boolean()),
        ("holds_youngest", sa.Integer()),
        ("holds_oldest", sa.Integer()),
    ):
        op.add_column("agency", sa.Column(name, kind, nullable=True))
    agency = sa.table(
        "agency",
        sa.column("kind", sa.String),
        sa.column("holds_boys", sa.Boolean),
        sa.column("holds_girls", sa.Boolean),
        sa.column("holds_youngest", sa.Integer),
        sa.column("holds_oldest", sa.Integer),
    )
    for kind, (boys, girls, youngest, oldest) in DEFAULTS.items():
        op.execute(
            agency.update()
            .where(agency.c.kind == kind)
            .values(
                holds_boys=boys, holds_girls=girls, holds_youngest=youngest, holds_oldest=oldest
            )
        )
    op.create_table(
        "placement_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("outside", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["agency.id"],
            name=op.f("fk_placement_exception_establishment_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_placement_exception_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name=op.f("fk_placement_exception_recorded_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_placement_exception_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_exception")),
    )
    with op.batch_alter_table("placement_exception", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_placement_exception_establishment_id"),
            ["establishment_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_placement_exception_placement_id"), ["placement_id"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_placement_exception_young_person_id"),
            ["young_person_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("placement_exception")
    # Not a batch: the agency table is referred to by most others.
    for name in ("holds_oldest", "holds_youngest", "holds_girls", "holds_boys"):
        op.drop_column("agency", name)
