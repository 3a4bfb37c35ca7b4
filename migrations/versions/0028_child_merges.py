"""merging two records of one child

An administrator merges a confirmed duplicate into the other record: every row moves to the
kept child, and what identified the merged record is kept in child_merge so that its
reference still finds the child. Custody welfare notes stay append-only, except that a note
may move to the kept child of a merge recorded in the same transaction.

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE = "custody_welfare_note"
# Every column of a note but the child's: never changed.
FIXED = "id, establishment_id, category, text, author_id, written_at"
MERGED = (
    "EXISTS (SELECT 1 FROM child_merge WHERE child_merge.merged_id = OLD.young_person_id "
    "AND child_merge.kept_id = NEW.young_person_id)"
)


def upgrade() -> None:
    op.create_table(
        "child_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_home_area_id", sa.Integer(), nullable=False),
        sa.Column("merged_local_reference", sa.String(length=30), nullable=False),
        sa.Column("merged_pnc_number", sa.String(length=20), nullable=True),
        sa.Column("merged_date_of_birth", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["young_person.id"], name=op.f("fk_child_merge_kept_id_young_person")
        ),
        sa.ForeignKeyConstraint(
            ["merged_home_area_id"],
            ["area.id"],
            name=op.f("fk_child_merge_merged_home_area_id_area"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_by_id"], ["user.id"], name=op.f("fk_child_merge_merged_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_merge")),
        sa.UniqueConstraint("merged_id", name=op.f("uq_child_merge_merged_id")),
    )
    with op.batch_alter_table("child_merge") as batch_op:
        batch_op.create_index(batch_op.f("ix_child_merge_kept_id"), ["kept_id"])
        batch_op.create_index(
            batch_op.f("ix_child_merge_merged_local_reference"), ["merged_local_reference"]
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {NOTE}_append_only ON {NOTE}")
        op.execute(
            f"CREATE TRIGGER {NOTE}_append_only BEFORE UPDATE OF {FIXED} ON {NOTE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION custody_note_append_only()"
        )
        op.execute(
            f"""
            CREATE FUNCTION custody_note_moves_on_merge() RETURNS trigger AS $$
            BEGIN
                IF NOT {MERGED} THEN
                    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {NOTE}_moves_on_merge BEFORE UPDATE OF young_person_id ON {NOTE} "
            "FOR EACH ROW EXECUTE FUNCTION custody_note_moves_on_merge()"
        )
    else:
        op.execute(f"DROP TRIGGER {NOTE}_no_update")
        op.execute(
            f"CREATE TRIGGER {NOTE}_no_update BEFORE UPDATE OF {FIXED} ON {NOTE} "
            f"BEGIN SELECT RAISE(ABORT, '{NOTE} is append-only: UPDATE refused'); END"
        )
        op.execute(
            f"CREATE TRIGGER {NOTE}_moves_on_merge BEFORE UPDATE OF young_person_id ON {NOTE} "
            f"WHEN NOT {MERGED} "
            f"BEGIN SELECT RAISE(ABORT, '{NOTE} is append-only: UPDATE refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {NOTE}_moves_on_merge ON {NOTE}")
        op.execute("DROP FUNCTION custody_note_moves_on_merge()")
        op.execute(f"DROP TRIGGER {NOTE}_append_only ON {NOTE}")
        op.execute(
            f"CREATE TRIGGER {NOTE}_append_only BEFORE UPDATE ON {NOTE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION custody_note_append_only()"
        )
    else:
        op.execute(f"DROP TRIGGER {NOTE}_moves_on_merge")
        op.execute(f"DROP TRIGGER {NOTE}_no_update")
        op.execute(
            f"CREATE TRIGGER {NOTE}_no_update BEFORE UPDATE ON {NOTE} "
            f"BEGIN SELECT RAISE(ABORT, '{NOTE} is append-only: UPDATE refused'); END"
        )
    op.drop_table("child_merge")
