"""notes read one by one: "new notes" are the notes a user has not read

Each YOT officer's reading was one time per child, moved on to the newest note a page showed:
the notes before it counted as read whether or not any page had shown them. Each note read is
now recorded for the user who read it, as it stood when read. The notes an officer had read up
to that time are carried over as read.

Revision ID: 0032
Revises: 0031
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custody_note_read",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_custody_note_read_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["custody_welfare_note.id"],
            name=op.f("fk_custody_note_read_note_id_custody_welfare_note"),
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_custody_note_read_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("user_id", "note_id", name=op.f("pk_custody_note_read")),
    )
    op.create_index(
        "ix_custody_note_read_child", "custody_note_read", ["user_id", "young_person_id"]
    )
    # What each officer had read: every note written by the time up to which they had read.
    op.execute(
        "INSERT INTO custody_note_read (user_id, note_id, young_person_id, read_at) "
        "SELECT s.user_id, n.id, n.young_person_id, s.seen_at "
        "FROM custody_notes_seen s JOIN custody_welfare_note n "
        "ON n.young_person_id = s.young_person_id AND n.written_at <= s.seen_at"
    )
    op.drop_table("custody_notes_seen")


def downgrade() -> None:
    op.create_table(
        "custody_notes_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_custody_notes_seen_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_custody_notes_seen_young_person_id_young_person"),
        ),
        sa.PrimaryKeyConstraint("user_id", "young_person_id", name=op.f("pk_custody_notes_seen")),
    )
    op.execute(
        "INSERT INTO custody_notes_seen (user_id, young_person_id, seen_at) "
        "SELECT user_id, young_person_id, MAX(read_at) FROM custody_note_read "
        "GROUP BY user_id, young_person_id"
    )
    op.drop_table("custody_note_read")
