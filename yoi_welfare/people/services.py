"""Registering children and moving them in, between and out of establishments."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import func, or_, select

from yoi_welfare import db
from yoi_welfare.access import Viewer, holds
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_acpc_member_emails, dao_manager_emails
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import ESTABLISHMENT_KINDS, Agency, AgencyKind, Area
from yoi_welfare.alerts import services as alerts
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import london_today, uk_date, utcnow
from yoi_welfare.domain.placements import LATE_AFTER_TEXT, MINIMUM_AGE, age_on, recorded_late
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.agreements import (
    dao_is_party,
    party_to_agreement_clause,
)
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.paging import Page, paginate
from yoi_welfare.people import exceptions
from yoi_welfare.people.admission_notice import tell_yot_of_admission
from yoi_welfare.people.models import (
    ChildMerge,
    LeavingReason,
    Placement,
    ReleaseDestination,
    ReleaseReason,
    YoungPerson,
)
from yoi_welfare.people.placements import dao_current_placement, is_current
from yoi_welfare.screenings import services as screenings
from yoi_welfare.self_harm.services import end_flags_on_release, notify_transfer_with_open_flag


class PeopleError(ServiceError):
    """A request about a child or a placement that cannot be carried out."""


def dao_search_children(viewer: Viewer, query: str, page: int, per_page: int) -> Page:
    """Children matching a name or reference, among those the viewer may see, a page at a time."""
    conditions = [viewer.visible]
    for word in query.split()[:5]:
        like = f"%{word.lower()}%"
        conditions.append(
            or_(
                func.lower(YoungPerson.given_name).like(like),
                func.lower(YoungPerson.family_name).like(like),
                func.lower(YoungPerson.local_reference).like(like),
                func.lower(func.coalesce(YoungPerson.pnc_number, "")).like(like),
                # A record merged into this child is still found by what it was known by.
                select(ChildMerge.id)
                .where(
                    ChildMerge.kept_id == YoungPerson.id,
                    or_(
                        func.lower(ChildMerge.merged_local_reference).like(like),
                        func.lower(func.coalesce(ChildMerge.merged_pnc_number, "")).like(like),
                    ),
                )
                .exists(),
            )
        )
    statement = (
        select(YoungPerson, Placement, Agency)
        .outerjoin(Placement, is_current(YoungPerson.id))
        .outerjoin(Agency, Agency.id == Placement.establishment_id)
        .where(*conditions)
        .order_by(YoungPerson.family_name, YoungPerson.given_name, YoungPerson.id)
    )
    return paginate(statement, page, per_page, params=viewer.params)


def dao_children_in_custody(
    viewer: Viewer,
    establishment_id: int | None = None,
    *,
    page: int,
    per_page: int,
) -> Page:
    """A page of (child, placement, establishment) for the children the viewer may see held now,
    by establishment then name."""
    statement = (
        select(YoungPerson, Placement, Agency)
        .join(Placement, is_current(YoungPerson.id))
        .join(Agency, Agency.id == Placement.establishment_id)
        .where(viewer.visible, YoungPerson.in_custody)
        .order_by(Agency.name, YoungPerson.family_name, YoungPerson.given_name, YoungPerson.id)
    )
    if establishment_id is not None:
        statement = statement.where(Placement.establishment_id == establishment_id)
    return paginate(statement, page, per_page, params=viewer.params)


@db.prepared
def _placement_history() -> sa.Select:
    return (
        select(Placement, Agency)
        .join(Agency, Agency.id == Placement.establishment_id)
        .where(Placement.young_person_id == sa.bindparam("child_id"))
        .order_by(Placement.admitted_at.desc())
    )


def dao_placement_history(child_id: int):
    return db.session().exec(_placement_history(), params={"child_id": child_id}).all()


def dao_areas() -> list[Area]:
    return list(db.session().exec(select(Area).order_by(Area.name)).all())


def dao_establishments(seeing_area_id: int | None = None) -> list[Agency]:
    """Every establishment; or, given an area, those that may hold its children (parties to an
    agreement in force for it today)."""
    statement = select(Agency).where(Agency.kind.in_(ESTABLISHMENT_KINDS))
    if seeing_area_id is not None:
        statement = statement.where(
            party_to_agreement_clause(Agency.id, seeing_area_id, london_today())
        )
    return list(db.session().exec(statement.order_by(Agency.name)).all())


def register_child(user: User, **details) -> YoungPerson:
    """Register a child in the officer's own area; the local reference is unique in the area."""
    session = db.session()
    duplicate = session.exec(
        select(YoungPerson.id).where(
            YoungPerson.home_area_id == details["home_area_id"],
            func.lower(YoungPerson.local_reference) == details["local_reference"].lower(),
        )
    ).first()
    if duplicate is not None:
        raise PeopleError(
            "A child with this local reference is already registered in this area",
            "local_reference",
        )
    child = YoungPerson(created_by_id=user.id, **details)
    session.add(child)
    session.flush()
    alerts.sync_child_details(child, by=user, now=utcnow())
    audit.record(
        "child_registered",
        user=user,
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
    )
    return child


# What a YOT officer may correct after registration. The home area is not among them: moving a
# child to another area's YOT changes who may see the whole record.
CHANGEABLE = {
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "local_reference": "local reference",
    "pnc_number": "PNC number",
    "legal_status": "legal status",
    "looked_after": "looked-after status",
    "child_protection_plan": "child protection plan status",
}
STATUS_CHANGE_NEEDED = (
    "Select whether the legal status was recorded wrongly or the child's status has changed"
)
STALE_DETAILS = (
    "Someone else changed this child's details while you were editing. The form now shows the "
    "details as saved: make your change again"
)


class StaleDetailsError(PeopleError):
    def __init__(self):
        super().__init__(STALE_DETAILS)


def details_fingerprint(child: YoungPerson) -> str:
    """A digest of the child's changeable details, carried by the form: a save from a form read
    before someone else's change is refused rather than undoing it."""
    values = "\x1f".join(str(getattr(child, name)) for name in CHANGEABLE)
    return hashlib.sha256(values.encode()).hexdigest()[:32]


@dataclass
class DetailsChange:
    """What a change of the child's details changed, as words, and the deadlines it moved."""

    words: list[str] = field(default_factory=list)
    cancelled: list[WelfareAction] = field(default_factory=list)
    made: list[WelfareAction] = field(default_factory=list)


class StatusChange(StrEnum):
    """Why a legal status moves between remand and sentence: it decides when deadlines count."""

    CORRECTED = "corrected"  # recorded wrongly: as from the admission
    CHANGED = "changed"  # the child's status changed (sentenced after remand): from now


def change_child(
    user: User,
    child: YoungPerson,
    *,
    seen: str | None,
    status_change: StatusChange | None = None,
    **details,
) -> DetailsChange:
    """Correct or update the child's details (audited: the names of what changed, not values).

    A legal status moved between remand and sentence needs ``status_change``; while the child
    is held it re-sets the deadlines the admission made (``actions.on_legal_status_changed``).
    Whether the child is looked after changes no deadline."""
    unknown = set(details) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    if seen != details_fingerprint(child):
        raise StaleDetailsError()
    reference = details.get("local_reference", child.local_reference)
    duplicate = (
        db.session()
        .exec(
            select(YoungPerson.id).where(
                YoungPerson.home_area_id == child.home_area_id,
                func.lower(YoungPerson.local_reference) == reference.lower(),
                YoungPerson.id != child.id,
            )
        )
        .first()
    )
    if duplicate is not None:
        raise PeopleError("Another child in this area has this local reference", "local_reference")
    changed = [name for name, value in details.items() if getattr(child, name) != value]
    if not changed:
        return DetailsChange()
    was_remand = child.legal_status.is_remand
    crosses = "legal_status" in changed and details["legal_status"].is_remand != was_remand
    if crosses and status_change is None:
        raise PeopleError(STATUS_CHANGE_NEEDED, "status_change")
    for name in changed:
        setattr(child, name, details[name])
    db.session().add(child)
    db.session().flush()
    alerts.sync_child_details(child, by=user, now=utcnow())
    words = [CHANGEABLE[name] for name in changed]
    audit.record(
        "child_details_changed",
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
        detail=", ".join(words),
        user=user,
    )
    result = DetailsChange(words)
    if crosses:
        result.cancelled, result.made = actions.on_legal_status_changed(
            child,
            by=user,
            at=utcnow(),
            corrected=status_change is StatusChange.CORRECTED,
        )
    return result


def find_child_for_admission(
    home_area_id: int, local_reference: str, date_of_birth: date
) -> YoungPerson:
    """The registered child matching all three identifiers, for an establishment's reception."""
    child = (
        db.session()
        .exec(
            select(YoungPerson).where(
                YoungPerson.home_area_id == home_area_id,
                func.lower(YoungPerson.local_reference) == local_reference.lower(),
                YoungPerson.date_of_birth == date_of_birth,
            )
        )
        .first()
    )
    if child is None:
        # A reference of a record since merged leads to the child it was merged into.
        child = (
            db.session()
            .exec(
                select(YoungPerson)
                .join(ChildMerge, ChildMerge.kept_id == YoungPerson.id)
                .where(
                    ChildMerge.merged_home_area_id == home_area_id,
                    func.lower(ChildMerge.merged_local_reference) == local_reference.lower(),
                    ChildMerge.merged_date_of_birth == date_of_birth,
                )
            )
            .first()
        )
    if child is None:
        raise PeopleError(
            "No registered child matches this home area, reference and date of birth. "
            "Check the details with the child's YOT, who must register the child first",
            "local_reference",
        )
    return child


LATE_REASON_NEEDED = f"Enter why this is recorded more than {LATE_AFTER_TEXT} after it happened"


def check_possible_moment(child: YoungPerson, when: datetime, now: datetime) -> None:
    """Refuse a moment in the future, before the child's birth or before their 10th birthday."""
    if when > now:
        raise PeopleError("The date and time must not be in the future", "on_date")
    on = uk_date(when)
    if on < child.date_of_birth:
        raise PeopleError("The date must be after the child's date of birth", "on_date")
    if age_on(child.date_of_birth, on) < MINIMUM_AGE:
        raise PeopleError(
            "The date must be on or after the child's 10th birthday: "
            "no child under 10 can be held in custody",
            "on_date",
        )


def _check_moment(
    child: YoungPerson, when: datetime, now: datetime, late_reason: str | None
) -> str | None:
    """Refuse a move the child cannot have made then; the reason it is recorded late, if it is."""
    check_possible_moment(child, when, now)
    last = (
        db.session()
        .exec(
            select(func.max(func.coalesce(Placement.left_at, Placement.admitted_at))).where(
                Placement.young_person_id == child.id
            )
        )
        .one()
    )
    if last is not None and when < last:
        raise PeopleError(
            "The date and time must be after the child's last recorded move", "on_date"
        )
    if not recorded_late(when, now):
        return None
    if not late_reason:
        raise PeopleError(LATE_REASON_NEEDED, "late_reason")
    return late_reason


def check_can_see(
    establishment: Agency, child: YoungPerson, field: str, *, who: str, now: datetime
) -> None:
    """An establishment holds a child only if it can see their record: a party to a sharing
    agreement in force for the child's home area. Otherwise its staff could not open the child's
    page, and the child's deadlines and self-harm flag would be owned by people who cannot read
    them."""
    area = db.session().get(Area, child.home_area_id)
    if not dao_is_party(establishment.id, area.id, london_today(now)):
        raise PeopleError(
            f"{who} is not a party to a sharing agreement in force for {area.name}, so it could "
            f"not see this child's record. An administrator must add it to {area.name}'s "
            "agreement first",
            field,
        )


def check_holds(
    establishment: Agency, child: YoungPerson, when: datetime, exception_reason: str | None
) -> str | None:
    """Refuse a child outside whom the establishment holds, unless the user gives the reason
    for a placement exception; how the child is outside, if they are."""
    found = exceptions.outside_holds(establishment, child, uk_date(when))
    if found is not None and not exception_reason:
        raise PeopleError(
            f"{establishment.name} holds {establishment.holds.describe()}, and this child is "
            f"{found}. To place them there all the same, enter why: this records a placement "
            "exception, and the managers are told",
            "exception_reason",
        )
    return found


def _record_exception(
    user: User,
    child: YoungPerson,
    placement: Placement,
    establishment: Agency,
    outside: str | None,
    reason: str | None,
    now: datetime,
) -> None:
    if outside is not None:
        exceptions.record_exception(
            user,
            child,
            placement,
            establishment,
            outside=outside,
            reason=reason,
            at=now,
        )


def admit(
    user: User,
    child: YoungPerson,
    establishment: Agency,
    when: datetime,
    now: datetime,
    *,
    late_reason: str | None = None,
    exception_reason: str | None = None,
) -> Placement:
    """Open a placement at the user's establishment for a child not in custody.

    This starts a custody episode, so the actions an admission makes due are created too.
    """
    current = dao_current_placement(child.id)
    if current is not None:
        if current.establishment_id == establishment.id:
            raise PeopleError("This child is already held at your establishment", "local_reference")
        raise PeopleError(
            "This child is recorded as held at another establishment. "
            "That establishment must record a transfer to you",
            "local_reference",
        )
    late_reason = _check_moment(child, when, now, late_reason)
    check_can_see(establishment, child, "local_reference", who="Your establishment", now=now)
    outside = check_holds(establishment, child, when, exception_reason)
    placement = Placement(
        young_person_id=child.id,
        establishment_id=establishment.id,
        admitted_at=when,
        admitted_by_id=user.id,
        admission_late_reason=late_reason,
    )
    db.session().add(placement)
    db.session().flush()
    audit.record(
        "child_admitted",
        user=user,
        young_person_id=child.id,
        object_type="placement",
        object_id=placement.id,
    )
    _record_exception(user, child, placement, establishment, outside, exception_reason, now)
    actions.on_event("child_admitted", child=child, source=placement, at=when, by=user)
    # A screening the YOT submitted before the admission already meets the action it made.
    screenings.meet_admission_if_screened(child, placement, by=user, now=now)
    tell_yot_of_admission(child, placement, establishment, by=user, now=now)
    return placement


def transfer(
    user: User,
    child: YoungPerson,
    destination: Agency,
    when: datetime,
    now: datetime,
    *,
    late_reason: str | None = None,
    exception_reason: str | None = None,
) -> Placement:
    """Close the current placement as a transfer and open the next at the destination."""
    current = dao_current_placement(child.id)
    if not holds(user, current):
        raise PeopleError("Only the establishment holding the child can transfer them")
    if destination.id == current.establishment_id:
        raise PeopleError(
            "Select a different establishment from the one holding the child", "destination"
        )
    if not destination.is_establishment:
        raise PeopleError("Select a secure establishment", "destination")
    check_can_see(destination, child, "destination", who=destination.name, now=now)
    late_reason = _check_moment(child, when, now, late_reason)
    outside = check_holds(destination, child, when, exception_reason)
    current.left_at = when
    current.leaving_reason = LeavingReason.TRANSFER
    current.leaving_late_reason = late_reason
    current.left_by_id = user.id
    session = db.session()
    session.add(current)
    session.flush()
    placement = Placement(
        young_person_id=child.id,
        establishment_id=destination.id,
        admitted_at=when,
        admitted_by_id=user.id,
        admission_late_reason=late_reason,
    )
    session.add(placement)
    session.flush()
    audit.record(
        "child_transferred",
        young_person_id=child.id,
        object_type="placement",
        object_id=placement.id,
        user=user,
    )
    _record_exception(user, child, placement, destination, outside, exception_reason, now)
    # A transfer continues the custody episode: no new screening, but ACCT actions follow.
    actions.on_event("child_transferred", child=child, source=placement, at=when, by=user)
    screenings.meet_reading_on_transfer(child, destination.id, at=when, by=user, now=now)
    notify_transfer_with_open_flag(child, placement, when, by=user, now=now)
    return placement


def release(
    user: User,
    child: YoungPerson,
    when: datetime,
    now: datetime,
    *,
    reason: ReleaseReason,
    destination: ReleaseDestination | None,
    late_reason: str | None = None,
) -> Placement:
    """Close the current placement as a release, saying why and where the child went: the
    establishment's open actions for the child are cancelled and its self-harm flags end, the
    YOT being told of an open one. A death in custody has no destination, and is told at once
    to the managers of the child's YOT and to the area's ACPC."""
    current = dao_current_placement(child.id)
    if not holds(user, current):
        raise PeopleError("Only the establishment holding the child can release them")
    died = reason is ReleaseReason.DEATH_IN_CUSTODY
    if destination is None and not died:
        raise PeopleError("Select where the child went", "destination")
    late_reason = _check_moment(child, when, now, late_reason)
    current.left_at = when
    current.leaving_reason = LeavingReason.RELEASE
    current.release_reason = reason
    current.release_destination = None if died else destination
    current.leaving_late_reason = late_reason
    current.left_by_id = user.id
    db.session().add(current)
    db.session().flush()
    audit.record(
        "child_released",
        user=user,
        young_person_id=child.id,
        object_type="placement",
        object_id=current.id,
    )
    releasing = db.session().get(Agency, current.establishment_id)
    actions.cancel_on_release(child, releasing, by=user, at=when)
    end_flags_on_release(child, current, by=user, now=now)
    if died:
        _tell_of_death(user, child, current, releasing, now)
    return current


def _tell_of_death(
    user: User, child: YoungPerson, placement: Placement, establishment: Agency, now: datetime
) -> int:
    """Email the child's YOT's managers and the area's ACPC at once: a death in custody is
    never a routine release. Returns how many emails were queued."""
    recipients = dao_manager_emails(
        sa.and_(Agency.kind == AgencyKind.YOT, Agency.area_id == child.home_area_id)
    ) + dao_acpc_member_emails(child.home_area_id)
    return notify(
        recipients,
        child,
        Notice(
            "Death in custody",
            f"{establishment.name} has recorded the death in custody of a child of your area.",
            (f"Establishment: {establishment.name}",),
            "Follow your procedures for a death in custody, including the child death review.",
            f"/children/{child.id}",
        ),
        urgent=True,
        about=("placement", placement.id),
        purpose="Death in custody",
        at=now,
        by=user,
    )
