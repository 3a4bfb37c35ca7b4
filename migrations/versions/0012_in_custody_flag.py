"""children in custody now: a flag on the child, kept by the database from the placements

A YOT's caseload is its area's children held now. Found through the placements, that meant
matching the area's children (1,700 in the largest area) with every child held in the
country (800), a third of the caseload page's time; with the flag and a partial index on it,
the database reads the area's 60 or so held children directly.

Triggers on placement keep the flag: whatever writes a placement (an admission, a transfer,
a release, the retention review's deletions), the flag says whether the child has an open
placement, so no code path can leave it wrong.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELD = "SELECT 1 FROM placement WHERE young_person_id = {row}.young_person_id AND left_at IS NULL"
SET_FLAG = "UPDATE young_person SET in_custody = EXISTS ({held}) WHERE id = {row}.young_person_id"


def _set_flag(row: str) -> str:
    return SET_FLAG.format(held=HELD.format(row=row), row=row)


def upgrade() -> None:
    op.add_column(
        "young_person",
        sa.Column("in_custody", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE young_person SET in_custody = EXISTS (SELECT 1 FROM placement "
        "WHERE placement.young_person_id = young_person.id AND placement.left_at IS NULL)"
    )
    op.create_index(
        "ix_young_person_in_custody",
        "young_person",
        ["home_area_id"],
        # As each database writes the test: SQLite matches a partial index by its very terms.
        sqlite_where=sa.text("in_custody = 1"),
        postgresql_where=sa.text("in_custody"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION placement_sets_in_custody() RETURNS trigger AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    {_set_flag("OLD")};
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    {_set_flag("NEW")};
                END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER placement_sets_in_custody "
            "AFTER INSERT OR UPDATE OF left_at, young_person_id OR DELETE ON placement "
            "FOR EACH ROW EXECUTE FUNCTION placement_sets_in_custody()"
        )
    else:
        rows = {
            "insert": ("INSERT", ["NEW"]),
            "update": ("UPDATE OF left_at, young_person_id", ["OLD", "NEW"]),
            "delete": ("DELETE", ["OLD"]),
        }
        for name, (event, which) in rows.items():
            body = "".join(f"{_set_flag(row)}; " for row in which)
            op.execute(
                f"CREATE TRIGGER placement_sets_in_custody_{name} AFTER {event} ON placement "
                f"BEGIN {body}END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER placement_sets_in_custody ON placement")
        op.execute("DROP FUNCTION placement_sets_in_custody()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER placement_sets_in_custody_{name}")
    op.drop_index("ix_young_person_in_custody", table_name="young_person")
    op.drop_column("young_person", "in_custody")
