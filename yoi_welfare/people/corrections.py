"""Correcting an admission, a transfer or a release, in the open.

The date and time recorded is replaced, and for an admission or transfer the establishment and
the legal status too; what was replaced stays on the record with who corrected it, when and
why. The deadlines an admission set count from the corrected date, and an escalation raised
only because of the wrong one is withdrawn (``actions.on_admission_corrected``). A corrected
establishment must be one that could have held the child (a party to the area's sharing
agreement; one that holds children of their sex and age, or a placement exception with its
reason), and the deadlines it owns move to it. A corrected legal status was recorded wrongly,
so the deadlines it sets count from the admission (``actions.on_legal_status_changed``); it
can be corrected only for the custody episode the child is in now, as the child's record holds
one legal status.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions import services as actions
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_datetime
from yoi_welfare.people import exceptions
from yoi_welfare.people.models import (
    CorrectedMoment,
    LeavingReason,
    LegalStatus,
    Placement,
    PlacementCorrection,
    YoungPerson,
)
from yoi_welfare.people.services import (
    PeopleError,
    check_can_see,
    check_holds,
    check_possible_moment,
)

REASON_LENGTH = 1000
STALE = (
    "This placement changed while you were editing. The form now shows it as saved: make your "
    "correction again"
)


class StalePlacementError(PeopleError):
    def __init__(self):
        super().__init__(STALE)


@dataclass
class Neighbours:
    """The placements either side of one, by admission: a transfer joins two of them."""

    before: Placement | None
    after: Placement | None
    # Whether the placement is the current one, or led to it by transfers: its legal status is
    # the one the child's record holds now.
    in_current_episode: bool = False

    def transferred_in(self, placement: Placement) -> bool:
        return (
            self.before is not None
            and self.before.leaving_reason is LeavingReason.TRANSFER
            and self.before.left_at == placement.admitted_at
        )


def dao_neighbours(placement: Placement, *, lock: bool = False) -> Neighbours:
    """The child's placements before and after this one; with ``lock``, all of them are read
    afresh and locked until the transaction ends, so two corrections cannot cross."""
    statement = select(Placement).where(Placement.young_person_id == placement.young_person_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return neighbours_among(list(db.session().exec(statement)), placement)


def neighbours_among(placements: list[Placement], placement: Placement) -> Neighbours:
    """The placements either side of one among all the child's placements, in any order."""
    ordered = sorted(placements, key=lambda p: (p.admitted_at, p.id))
    index = next(i for i, p in enumerate(ordered) if p.id == placement.id)
    return Neighbours(
        ordered[index - 1] if index > 0 else None,
        ordered[index + 1] if index + 1 < len(ordered) else None,
        in_current_episode=_in_current_episode(ordered, index),
    )


def _in_current_episode(ordered: list[Placement], index: int) -> bool:
    """Whether the placement at ``index`` is the child's current one, or one that led to it by
    transfers."""
    if ordered[-1].left_at is not None:
        return False
    return all(p.leaving_reason is LeavingReason.TRANSFER for p in ordered[index:-1])


def fingerprint(placement: Placement, neighbours: Neighbours, child: YoungPerson) -> str:
    """The placement as the form read it (its times, establishment and the child's legal
    status): a correction made from a form read before someone else's is refused rather than
    undoing it."""
    times = [placement.admitted_at, placement.left_at]
    times += [neighbours.before.left_at if neighbours.before else None]
    values = "|".join(t.isoformat() if t else "" for t in times)
    values += f"|{placement.establishment_id}|{child.legal_status}"
    return hashlib.sha256(values.encode()).hexdigest()[:32]


def can_correct(
    user: User,
    agency: Agency,
    child: YoungPerson,
    placement: Placement,
    moment: CorrectedMoment,
    neighbours: Neighbours,
) -> bool:
    """The child's YOT corrects any move; an establishment, a move it recorded: the admission
    to it, a transfer from it, a release from it."""
    if moment is CorrectedMoment.LEAVING and placement.leaving_reason is not LeavingReason.RELEASE:
        return False  # a transfer is corrected as the admission it began
    if user.role is Role.YOT_OFFICER:
        return agency.kind is AgencyKind.YOT and agency.area_id == child.home_area_id
    if user.role is not Role.ESTABLISHMENT_STAFF:
        return False
    if placement.establishment_id == agency.id:
        return True
    if moment is not CorrectedMoment.ADMISSION:
        return False
    return neighbours.transferred_in(placement) and neighbours.before.establishment_id == agency.id


@dataclass
class Corrected:
    """What a correction changed, in words, and what it did to the deadlines."""

    words: list[str] = field(default_factory=list)
    moved: actions.MovedDeadlines | None = None
    cancelled: list = field(default_factory=list)
    made: list = field(default_factory=list)


def correct(
    user: User,
    child: YoungPerson,
    placement: Placement,
    moment: CorrectedMoment,
    *,
    when: datetime,
    reason: str,
    seen: str | None,
    now: datetime,
    establishment: Agency | None = None,
    legal_status: LegalStatus | None = None,
    exception_reason: str | None = None,
) -> Corrected:
    """Put right the admission (with the transfer that began it, if one did) or the release of
    the placement: its date and time, and for an admission the establishment and the child's
    legal status (None: as recorded)."""
    neighbours = dao_neighbours(placement, lock=True)
    if seen != fingerprint(placement, neighbours, child):
        raise StalePlacementError()
    admission = moment is CorrectedMoment.ADMISSION
    if not admission and (establishment is not None or legal_status is not None):
        raise ValueError("a release corrects its date and time only")
    was = placement.admitted_at if admission else placement.left_at
    moved_to = (
        establishment if establishment and establishment.id != placement.establishment_id else None
    )
    restatus = legal_status if legal_status and legal_status is not child.legal_status else None
    if when == was and moved_to is None and restatus is None:
        raise PeopleError(
            "Enter the date and time as it should be: this is what is recorded"
            if not admission
            else "Correct the date and time, the establishment or the legal status: this is "
            "what is recorded",
            "on_date",
        )
    if when != was:
        check_possible_moment(child, when, now)
        if admission:
            _check_admission(placement, neighbours, when)
        else:
            _check_release(placement, neighbours, when)
    if restatus is not None and not neighbours.in_current_episode:
        raise PeopleError(
            "The legal status can be corrected only for the child's current time in custody",
            "legal_status",
        )
    outside = None
    if moved_to is not None:
        outside = _check_establishment(
            child, placement, neighbours, moved_to, when, now, exception_reason
        )
    if not reason:
        raise PeopleError("Enter why the placement is being corrected", "reason")
    session = db.session()
    session.add(
        PlacementCorrection(
            placement_id=placement.id,
            young_person_id=child.id,
            moment=moment,
            was_at=was,
            corrected_to=when,
            was_establishment_id=placement.establishment_id if moved_to else None,
            corrected_establishment_id=moved_to.id if moved_to else None,
            was_legal_status=child.legal_status if restatus else None,
            corrected_legal_status=restatus,
            reason=reason,
            corrected_by_id=user.id,
            corrected_at=now,
        )
    )
    result = Corrected()
    if when != was:
        result.words.append("date and time")
        if admission:
            if neighbours.transferred_in(placement):
                _correct_leaving(user, child, neighbours.before, when, reason, now)
            placement.admitted_at = when
        else:
            placement.left_at = when
    if moved_to is not None:
        result.words.append("establishment")
        placement.establishment_id = moved_to.id
    session.add(placement)
    if restatus is not None:
        result.words.append("legal status")
        crosses = restatus.is_remand != child.legal_status.is_remand
        child.legal_status = restatus
        session.add(child)
    session.flush()
    audit.record(
        "placement_corrected",
        young_person_id=child.id,
        object_type="placement",
        object_id=placement.id,
        detail=f"{moment.label}: {', '.join(result.words)}",
        user=user,
    )
    if moved_to is not None:
        if outside is not None:
            exceptions.record_exception(
                user, child, placement, moved_to, outside=outside, reason=exception_reason, at=now
            )
        if placement.is_current:
            actions.follow_child(child, user)
    if restatus is not None and crosses:
        result.cancelled, result.made = actions.on_legal_status_changed(
            child, by=user, at=now, corrected=True
        )
    if admission and when != was:
        result.moved = actions.on_admission_corrected(placement, by=user, at=now)
    return result


def _correct_leaving(
    user: User, child: YoungPerson, before: Placement, when: datetime, reason: str, now: datetime
) -> None:
    """The transfer that began a corrected admission left the placement before at that time."""
    db.session().add(
        PlacementCorrection(
            placement_id=before.id,
            young_person_id=child.id,
            moment=CorrectedMoment.LEAVING,
            was_at=before.left_at,
            corrected_to=when,
            reason=reason,
            corrected_by_id=user.id,
            corrected_at=now,
        )
    )
    before.left_at = when
    db.session().add(before)


def _check_establishment(
    child: YoungPerson,
    placement: Placement,
    neighbours: Neighbours,
    establishment: Agency,
    when: datetime,
    now: datetime,
    exception_reason: str | None,
) -> str | None:
    """Refuse an establishment that could not have held the child then, by the same rules as an
    admission or transfer; how the child is outside whom it holds, if they are (the exception's
    reason then given)."""
    if not establishment.is_establishment:
        raise PeopleError("Select a secure establishment", "establishment")
    if neighbours.transferred_in(placement) and (
        neighbours.before.establishment_id == establishment.id
    ):
        raise PeopleError(
            "Select a different establishment from the one the child was transferred from",
            "establishment",
        )
    after = neighbours.after
    if (
        after is not None
        and placement.leaving_reason is LeavingReason.TRANSFER
        and after.establishment_id == establishment.id
    ):
        raise PeopleError(
            "Select a different establishment from the one the child was transferred to",
            "establishment",
        )
    check_can_see(establishment, child, "establishment", who=establishment.name, now=now)
    return check_holds(establishment, child, when, exception_reason)


def _check_admission(placement: Placement, neighbours: Neighbours, when: datetime) -> None:
    before = neighbours.before
    if before is not None:
        after = before.admitted_at if neighbours.transferred_in(placement) else before.left_at
        if when <= after:
            raise PeopleError(
                "The date and time must be after the child's previous move", "on_date"
            )
    if placement.left_at is not None and when >= placement.left_at:
        raise PeopleError(
            "The date and time must be before the child left this placement", "on_date"
        )


def _check_release(placement: Placement, neighbours: Neighbours, when: datetime) -> None:
    if when <= placement.admitted_at:
        raise PeopleError("The date and time must be after the child was admitted", "on_date")
    if neighbours.after is not None and when >= neighbours.after.admitted_at:
        raise PeopleError("The date and time must be before the child was next admitted", "on_date")


def may_still_see(user: User, child: YoungPerson) -> bool:
    """After a correction: whether the user's establishment still held the child at some
    time (a YOT's reach does not depend on placements)."""
    if user.role is not Role.ESTABLISHMENT_STAFF:
        return True
    held = db.session().exec(
        select(Placement.id).where(
            Placement.young_person_id == child.id, Placement.establishment_id == user.agency_id
        )
    )
    return held.first() is not None


@dataclass(frozen=True)
class CorrectionRow:
    """A correction as people read it: who made it, and each thing it changed as (what, was,
    now) in words, such as ("establishment", "Ashgrove YOI", "Oakfield STC")."""

    correction: PlacementCorrection
    by: str
    changes: list[tuple[str, str, str]]

    @property
    def was(self) -> str:
        """What it replaced, as in "from 18 November 2026 at 9:15am; establishment from …"."""
        return "; ".join(
            f"from {was}" if what == "date and time" else f"{what} from {was}"
            for what, was, _now in self.changes
        )


def dao_child_corrections(child_id: int) -> dict[int, list[CorrectionRow]]:
    """Each placement's corrections, oldest first, with the name of who made each."""
    rows = (
        db.session()
        .exec(
            select(PlacementCorrection, User.name)
            .join(User, User.id == PlacementCorrection.corrected_by_id)
            .where(PlacementCorrection.young_person_id == child_id)
            .order_by(PlacementCorrection.corrected_at, PlacementCorrection.id)
        )
        .all()
    )
    agency_ids = {
        agency_id
        for correction, _name in rows
        for agency_id in (correction.was_establishment_id, correction.corrected_establishment_id)
        if agency_id is not None
    }
    names = dict(
        db.session().exec(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all()
    )
    found: dict[int, list[CorrectionRow]] = {}
    for correction, name in rows:
        changes = []
        if correction.was_at != correction.corrected_to:
            changes.append(
                (
                    "date and time",
                    format_datetime(correction.was_at),
                    format_datetime(correction.corrected_to),
                )
            )
        if correction.corrected_establishment_id is not None:
            changes.append(
                (
                    "establishment",
                    names.get(correction.was_establishment_id, ""),
                    names.get(correction.corrected_establishment_id, ""),
                )
            )
        if correction.corrected_legal_status is not None:
            changes.append(
                (
                    "legal status",
                    correction.was_legal_status.label,
                    correction.corrected_legal_status.label,
                )
            )
        found.setdefault(correction.placement_id, []).append(
            CorrectionRow(correction, name, changes)
        )
    return found
