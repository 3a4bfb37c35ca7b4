"""Placement exceptions: a child placed where the establishment does not hold children of their
sex or age, with the reason, shown on the child's page and told to the managers at once."""

from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.domain.estate import outside
from yoi_welfare.domain.placements import age_on
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.paging import Page, paginate
from yoi_welfare.people.models import Placement, PlacementException, YoungPerson

REASON_LENGTH = 1000


def outside_holds(establishment: Agency, child: YoungPerson, on: date) -> str | None:
    """How the child, as they are on ``on``, falls outside whom the establishment holds, in
    words ("a girl and aged 12"), or None if they fit."""
    words = outside(establishment.holds, child.sex.value, age_on(child.date_of_birth, on))
    return " and ".join(words) or None


def record_exception(
    user: User,
    child: YoungPerson,
    placement: Placement,
    establishment: Agency,
    *,
    outside: str,
    reason: str,
    at: datetime,
) -> PlacementException:
    """Keep the exception with the placement, and email the managers of the establishment and
    of the child's YOT at once (the child's initials and reference only). ``outside`` is how
    the child falls outside whom the establishment holds (``outside_holds``)."""
    exception = PlacementException(
        placement_id=placement.id,
        young_person_id=child.id,
        establishment_id=establishment.id,
        outside=f"{establishment.name} holds {establishment.holds.describe()}; "
        f"the child was {outside}",
        reason=reason,
        recorded_by_id=user.id,
        recorded_at=at,
    )
    session = db.session()
    session.add(exception)
    session.flush()
    audit.record(
        "placement_exception_recorded",
        young_person_id=child.id,
        object_type="placement_exception",
        object_id=exception.id,
        user=user,
    )
    notify(
        dao_manager_emails(
            sa.or_(
                Agency.id == establishment.id,
                sa.and_(Agency.kind == AgencyKind.YOT, Agency.area_id == child.home_area_id),
            )
        ),
        child,
        Notice(
            "Placement exception",
            f"A child has been placed at {establishment.name}, which does not hold children "
            "of their sex or age, by a placement exception.",
            (f"{establishment.name}: {establishment.holds.describe()}",),
            "Check that the placement is right for the child and read the reason given.",
            f"/children/{child.id}",
        ),
        urgent=False,
        about=("placement_exception", exception.id),
        purpose="Placement outside whom the establishment holds",
        at=at,
        by=user,
    )
    return exception


def dao_child_exceptions(child_id: int) -> dict[int, PlacementException]:
    """The child's placement exceptions by placement id: the latest for the establishment the
    placement records now (one recorded for an establishment corrected away no longer applies)."""
    rows = db.session().exec(
        select(PlacementException)
        .join(Placement, Placement.id == PlacementException.placement_id)
        .where(
            PlacementException.young_person_id == child_id,
            PlacementException.establishment_id == Placement.establishment_id,
        )
        .order_by(PlacementException.recorded_at, PlacementException.id)
    )
    return {exception.placement_id: exception for exception in rows}


@dataclass(frozen=True)
class ExceptionRow:
    exception: PlacementException
    child: YoungPerson
    placement: Placement
    establishment: Agency
    recorded_by: User | None


def dao_exceptions_for_managers(
    agency: Agency, viewer: Viewer, *, page: int, per_page: int
) -> Page:
    """A page of the placement exceptions a manager of ``agency`` is told of, latest first:
    at their establishment, or, for a YOT, of their area's children; among those visible."""
    if agency.kind is AgencyKind.YOT:
        ours = YoungPerson.home_area_id == agency.area_id
    else:
        ours = PlacementException.establishment_id == agency.id
    statement = (
        select(PlacementException, YoungPerson, Placement, Agency, User)
        .join(YoungPerson, YoungPerson.id == PlacementException.young_person_id)
        .join(Placement, Placement.id == PlacementException.placement_id)
        .join(Agency, Agency.id == PlacementException.establishment_id)
        .outerjoin(User, User.id == PlacementException.recorded_by_id)
        .where(ours, viewer.visible)
        .order_by(PlacementException.recorded_at.desc(), PlacementException.id.desc())
    )
    result = paginate(statement, page, per_page, params=viewer.params)
    return replace(result, items=[ExceptionRow(*row) for row in result.items])
