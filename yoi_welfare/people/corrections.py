"""Correcting when a child was admitted, transferred or released, in the open.

The date and time recorded is replaced, and the one it replaced stays on the record with who
corrected it, when and why. The deadlines an admission set count from the corrected date, and
an escalation raised only because of the wrong one is withdrawn
(``actions.on_admission_corrected``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions import services as actions
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.people.models import (
    CorrectedMoment,
    LeavingReason,
    Placement,
    PlacementCorrection,
    YoungPerson,
)
from yoi_welfare.people.services import PeopleError, check_possible_moment

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
    )


def fingerprint(placement: Placement, neighbours: Neighbours) -> str:
    """The placement's times as the form read them: a correction made from a form read before
    someone else's is refused rather than undoing it."""
    times = [placement.admitted_at, placement.left_at]
    times += [neighbours.before.left_at if neighbours.before else None]
    values = "|".join(t.isoformat() if t else "" for t in times)
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
) -> actions.MovedDeadlines | None:
    """Put right the admission (with the transfer that began it, if one did) or the release of
    the placement; returns what happened to the admission's deadlines (None for a release)."""
    neighbours = dao_neighbours(placement, lock=True)
    if seen != fingerprint(placement, neighbours):
        raise StalePlacementError()
    was = placement.admitted_at if moment is CorrectedMoment.ADMISSION else placement.left_at
    if when == was:
        raise PeopleError(
            "Enter the date and time as it should be: this is what is recorded", "on_date"
        )
    check_possible_moment(child, when, now)
    if moment is CorrectedMoment.ADMISSION:
        _check_admission(placement, neighbours, when)
    else:
        _check_release(placement, neighbours, when)
    if not reason:
        raise PeopleError("Enter why the date and time are being corrected", "reason")
    corrected = [(placement, moment)]
    if moment is CorrectedMoment.ADMISSION and neighbours.transferred_in(placement):
        corrected.append((neighbours.before, CorrectedMoment.LEAVING))
    session = db.session()
    for row, end in corrected:
        session.add(
            PlacementCorrection(
                placement_id=row.id,
                young_person_id=child.id,
                moment=end,
                was_at=row.admitted_at if end is CorrectedMoment.ADMISSION else row.left_at,
                corrected_to=when,
                reason=reason,
                corrected_by_id=user.id,
                corrected_at=now,
            )
        )
        if end is CorrectedMoment.ADMISSION:
            row.admitted_at = when
        else:
            row.left_at = when
        session.add(row)
    session.flush()
    audit.record(
        "placement_corrected",
        young_person_id=child.id,
        object_type="placement",
        object_id=placement.id,
        detail=moment.label,
        user=user,
    )
    if moment is CorrectedMoment.ADMISSION:
        return actions.on_admission_corrected(placement, by=user, at=now)
    return None


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


def dao_child_corrections(child_id: int) -> dict[int, list[tuple[PlacementCorrection, str]]]:
    """Each placement's corrections, oldest first, with the name of who made each."""
    rows = db.session().exec(
        select(PlacementCorrection, User.name)
        .join(User, User.id == PlacementCorrection.corrected_by_id)
        .where(PlacementCorrection.young_person_id == child_id)
        .order_by(PlacementCorrection.corrected_at, PlacementCorrection.id)
    )
    found: dict[int, list[tuple[PlacementCorrection, str]]] = {}
    for correction, name in rows:
        found.setdefault(correction.placement_id, []).append((correction, name))
    return found
