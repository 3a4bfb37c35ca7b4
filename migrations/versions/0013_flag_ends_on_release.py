"""a self-harm flag ends when the child is released

A child released while on an open flag, or in a flag's post-closure period, is held by no one
who could review it, and the flag stayed open for ever: it still showed as open, and when the
child came back into custody a new flag could not be opened. Release now ends it, in a state of
its own, recording when and from where. Flags left so by releases before this revision end
the same way, at the release that ended the child's stay.

On SQLite the table is copied to change the state's CHECK constraint, with foreign keys
unenforced (migrations/env.py); the case reviews refer to it, so every reference is checked
before the change commits.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("OPEN", "CLOSED", "POST_CLOSURE_ENDED")
WITH_RELEASE = (*STATES, "ENDED_ON_RELEASE")


def _state(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="flagstate", native_enum=False, create_constraint=True, length=18)


def _change_states(batch_op, before: tuple[str, ...], after: tuple[str, ...]) -> None:
    batch_op.alter_column(
        "state", existing_type=_state(before), type_=_state(after), existing_nullable=False
    )


def _check_references() -> None:
    """On SQLite, fail (and roll back) if the copied table broke a foreign key."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Foreign keys broken by the copy of self_harm_flag: {broken[:5]}")


def upgrade() -> None:
    with op.batch_alter_table("self_harm_flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("released_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_self_harm_flag_released_from_id_agency"),
            "agency",
            ["released_from_id"],
            ["id"],
        )
        _change_states(batch_op, STATES, WITH_RELEASE)
        batch_op.create_check_constraint(
            batch_op.f("ck_self_harm_flag_ended_on_release"),
            "(state = 'ENDED_ON_RELEASE') = (released_at IS NOT NULL)",
        )
    _check_references()
    _end_flags_of_children_already_released()


# The first release after the flag was opened: the one that ended it.
RELEASE = (
    "SELECT {column} FROM placement WHERE placement.young_person_id = self_harm_flag.young_person_id "
    "AND placement.leaving_reason = 'RELEASE' AND placement.left_at >= self_harm_flag.opened_at "
    "ORDER BY placement.left_at, placement.id LIMIT 1"
)


def _end_flags_of_children_already_released() -> None:
    """Flags left open, or in their post-closure period, by a release before this revision end
    as release now ends them: at that release, from that establishment, closed (if they were
    open) by whoever released the child. No one is emailed about releases long past."""
    released_at, establishment, released_by = (
        f"({RELEASE.format(column=column)})"
        for column in ("placement.left_at", "placement.establishment_id", "placement.left_by_id")
    )
    # Built only from the constants above: no value comes from outside.
    op.execute(
        f"""
        UPDATE self_harm_flag SET
            state = 'ENDED_ON_RELEASE',
            released_at = {released_at},
            released_from_id = {establishment},
            closed_at = COALESCE(closed_at, {released_at}),
            closed_by_id = COALESCE(closed_by_id, {released_by}),
            next_review_due = NULL,
            version_id = version_id + 1
        WHERE state IN ('OPEN', 'CLOSED') AND EXISTS ({RELEASE.format(column="1")})
        """  # noqa: S608
    )


def downgrade() -> None:
    # A flag that ended on release goes back to its post-closure period: the nearest state the
    # earlier schema has, and the one that keeps the CHECK constraints true.
    op.execute(
        "UPDATE self_harm_flag SET state = 'CLOSED', released_at = NULL, released_from_id = NULL "
        "WHERE state = 'ENDED_ON_RELEASE'"
    )
    with op.batch_alter_table("self_harm_flag", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_self_harm_flag_ended_on_release"), type_="check")
        _change_states(batch_op, WITH_RELEASE, STATES)
        batch_op.drop_constraint(
            batch_op.f("fk_self_harm_flag_released_from_id_agency"), type_="foreignkey"
        )
        batch_op.drop_column("released_from_id")
        batch_op.drop_column("released_at")
    _check_references()
