"""A practitioner level far below the indicated level waits for a YOT manager.

An officer may judge a child's safety and wellbeing level lower than the screening's answers
indicate, giving the reason. Two or more levels lower (``rules.level_needs_approval``) would tell
the establishment the child is at far less risk than the answers say, on one person's judgement:
the screening is then sent to a manager of the child's YOT other than the officer, and reaches
the establishment only when the manager approves. Meanwhile the establishment holding the child
is told that a screening is on its way, with the level its answers indicate, so that nothing
waits unseen. A returned screening stays a draft, with the manager's reason, for the officer to
change the level or explain it better. Nothing here commits.
"""

from dataclasses import dataclass
from datetime import datetime

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.screenings import services
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.screenings.queries import SOURCE_TYPE
from yoi_welfare.screenings.rules import level_needs_approval

APPROVAL_KIND = "screening_level"
ASKED_EVENT = "screening_level_approval_requested"


@dataclass(frozen=True)
class Submitted:
    """What submitting did: the screening went to the establishment (``completed`` the actions
    it met), or a manager was asked to approve its level first (``approval``)."""

    completed: list[WelfareAction]
    approval: Approval | None = None


def summary(screening: WelfareScreening) -> str:
    return (
        f"A safety and wellbeing level of {screening.practitioner_level.label.lower()} where "
        f"the answers indicate {screening.indicated_level.label.lower()}"
    )


def submit(
    screening: WelfareScreening,
    child: YoungPerson,
    *,
    version: int | None,
    by: User,
    now: datetime,
) -> Submitted:
    """Submit the draft, or, when its level needs a manager's approval, ask for it."""
    services.check_can_submit(screening, version, now)
    if not level_needs_approval(screening):
        return Submitted(services.submit_checked(screening, child, by=by, now=now))
    approval = approvals.request_approval(
        APPROVAL_KIND,
        subject=screening,
        summary=summary(screening),
        by=by,
        approver_agency_id=by.agency_id,
        now=now,
        child=child,
        event=ASKED_EVENT,
    )
    _tell_on_its_way(child, screening, by=by, now=now)
    return Submitted([], approval)


def _tell_on_its_way(
    child: YoungPerson, screening: WelfareScreening, *, by: User, now: datetime
) -> None:
    """The establishment holding the child hears that a screening is coming, and the level its
    answers indicate, before the manager has decided."""
    holding = action_queries.dao_holding_establishment(child)
    if holding is None:
        return
    notice = Notice(
        "A YOT welfare screening is on its way",
        f"The youth offending team has completed a welfare screening of a child held at "
        f"{holding.name}. It reaches you once a YOT manager has approved its level.",
        (f"Level its answers indicate: {screening.indicated_level.label}",),
        "Until then, treat the child as at the indicated level.",
        f"/children/{child.id}",
    )
    notify(
        dao_manager_emails(Agency.id == holding.id),
        child,
        notice,
        # What the establishment must know tonight cannot wait for the manager, nor the digest.
        urgent=bool(screening.must_know_tonight)
        or screening.indicated_level is Level.VERY_HIGH,
        about=(SOURCE_TYPE, screening.id),
        purpose="A welfare screening on its way",
        at=now,
        by=by,
    )


def _screening(approval: Approval) -> tuple[WelfareScreening, YoungPerson]:
    session = db.session()
    screening = session.get(WelfareScreening, approval.subject_id)
    return screening, session.get(YoungPerson, screening.young_person_id)


def approved(approval: Approval, by: User, now: datetime) -> None:
    """The level stands: the screening is submitted as the officer who asked, now."""
    screening, child = _screening(approval)
    officer = db.session().get(User, approval.requested_by_id)
    try:
        services.check_can_submit(screening, screening.version_id, now)
        services.submit_checked(screening, child, by=officer, now=now)
    except services.ScreeningError as error:
        refused = f"The screening cannot be submitted: {error.message}"
        raise approvals.ApprovalError(refused) from error


def returned(approval: Approval, by: User, now: datetime) -> None:
    """The screening stays a draft; its task list shows the manager's reason."""


approvals.register(
    APPROVAL_KIND,
    approvals.ApprovalKind(
        label="A welfare screening's level, well below the indicated level",
        subject_path=lambda approval: f"/screenings/{approval.subject_id}",
        approved=approved,
        returned=returned,
    ),
)
