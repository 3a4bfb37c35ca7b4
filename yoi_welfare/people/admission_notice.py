"""Telling the child's YOT of every admission at once, and asking it to confirm one it did not
expect.

Admitting a child needs only their home area, reference and date of birth, and opens their
whole history to the admitting establishment. So the managers of the child's YOT hear of each
admission the moment it is recorded, and an admission of a child the YOT was not expecting (no
welfare screening begun, no custody and no registration in the last 30 days) becomes an action
of each of the child's YOTs, due the next working day: confirm that the child is really held
there. Like any action it is listed on the YOT's actions page and escalated if left.
"""

from datetime import datetime, timedelta

from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import services as actions
from yoi_welfare.agencies.models import Agency
from yoi_welfare.dates import LONDON
from yoi_welfare.domain.timescales import Unit, due_at
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.screenings.models import WelfareScreening

EXPECTED_WITHIN = timedelta(days=30)
CONFIRM_TITLE = (
    "Confirm that {establishment} should hold this child: admitted with no screening begun "
    "and no custody or registration in the last 30 days"
)


def was_expected(child: YoungPerson, placement: Placement) -> bool:
    """Whether the YOT had reason to expect this admission: it began a screening, registered
    the child or saw them leave custody in the 30 days before it."""
    since = placement.admitted_at - EXPECTED_WITHIN
    if child.created_at is not None and child.created_at >= since:
        return True
    screened = db.session().exec(
        select(func.count())
        .select_from(WelfareScreening)
        .where(WelfareScreening.young_person_id == child.id, WelfareScreening.created_at >= since)
    ).one()
    left = db.session().exec(
        select(func.max(Placement.left_at)).where(
            Placement.young_person_id == child.id, Placement.id != placement.id
        )
    ).one()
    return bool(screened) or (left is not None and left >= since)


def tell_yot_of_admission(
    child: YoungPerson, placement: Placement, establishment: Agency, *, by: User, now: datetime
) -> bool:
    """Email the managers of the child's YOTs, and if the admission was not expected, give each
    YOT an action to confirm it. Returns whether it was expected."""
    expected = was_expected(child, placement)
    yots = actions.dao_child_yots(child)
    if not expected:
        for yot in yots:
            actions.add_manual_action(
                child,
                title=CONFIRM_TITLE.format(establishment=establishment.name)[:200],
                owner_agency_id=yot.id,
                due=due_at(now, 1, Unit.WORKING_DAYS),
                by=by,
                now=now,
                source=placement,
            )
    admitted = placement.admitted_at.astimezone(LONDON)
    facts = [f"Admitted to: {establishment.name}", f"Admitted at: {admitted:%d %B %Y, %H:%M}"]
    if not expected:
        facts.append("Not expected: no screening begun, no custody or registration in 30 days")
    notice = Notice(
        subject="Child admitted" if expected else "Child admitted, not expected: please confirm",
        what=f"{establishment.name} has admitted a child of your area.",
        facts=tuple(facts),
        next_step=(
            "Check the child's page."
            if expected
            else "Confirm the admission is right (the action on the child's page), or tell "
            "the establishment and your information governance lead at once if it is not."
        ),
        path=f"/children/{child.id}",
    )
    notify(
        dao_manager_emails(Agency.id.in_([yot.id for yot in yots] or [-1])),
        child,
        notice,
        urgent=False,
        about=("placement", placement.id),
        purpose="An admission, told to the child's YOT",
        at=now,
        by=by,
    )
    return expected
