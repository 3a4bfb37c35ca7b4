"""Where a child is held now: the one query for a child's current placement.

Below the services that change placements, so that every feature (and the access policy) can ask
it without importing them.
"""

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.people.models import Placement


def is_current(child_id: int | sa.ColumnElement) -> sa.ColumnElement[bool]:
    """The child's placement that has not ended (a child has at most one)."""
    return sa.and_(Placement.young_person_id == child_id, Placement.left_at.is_(None))


def dao_current_placement(child_id: int) -> Placement | None:
    """The child's placement now, or None when the child is not in custody."""
    return db.session().exec(select(Placement).where(is_current(child_id))).first()
