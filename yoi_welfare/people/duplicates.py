"""Possible duplicates: before a child is registered or admitted, the records that may be the
same child (``domain/duplicates.py`` decides what "may be" means).

Only the children the user may see are shown. A match the user may not see is reported as a
count the page turns into "a possible match is recorded elsewhere", with nothing that identifies
the child. The user picks the existing child, or says why this one is different: that is kept
(``DuplicateDismissal``) and audited, and the pair is not asked about again.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import func, or_, select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.accounts.models import User
from yoi_welfare.audit import services as audit
from yoi_welfare.domain.duplicates import birth_dates, may_be_one_child, normalise_pnc
from yoi_welfare.people.models import DuplicateDismissal, DuplicateOccasion, YoungPerson

# The most candidates read for one check: a date of birth shared by more children than this
# in the whole service would be a data problem, not a question for the user.
CANDIDATES = 500


@dataclass(frozen=True)
class Details:
    """What is compared: the names, the date of birth and the PNC number as typed."""

    given_name: str
    family_name: str
    date_of_birth: date
    pnc_number: str | None = None

    @classmethod
    def of(cls, child: YoungPerson) -> "Details":
        return cls(child.given_name, child.family_name, child.date_of_birth, child.pnc_number)

    def as_tuple(self) -> tuple:
        return (self.given_name, self.family_name, self.date_of_birth, self.pnc_number)


@dataclass(frozen=True)
class PossibleDuplicates:
    shown: list[YoungPerson] = field(default_factory=list)  # the user may see these
    hidden_ids: tuple[int, ...] = ()  # these are recorded where the user may not see

    @property
    def found(self) -> bool:
        return bool(self.shown or self.hidden_ids)

    @property
    def elsewhere(self) -> bool:
        return bool(self.hidden_ids)

    @property
    def all_ids(self) -> list[int]:
        return sorted([c.id for c in self.shown] + list(self.hidden_ids))

    def fingerprint(self, details: Details) -> str:
        """What the user was asked about: the details and the matches. A form carries it, so
        that changed details (or new matches) ask again."""
        text = "\x1f".join(
            [*(str(v).casefold() for v in details.as_tuple()), *map(str, self.all_ids)]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def pnc_forms(pnc_number: str | None) -> list[str]:
    """The ways one PNC number may be stored: two- or four-digit year, serial with or without
    leading zeros (the form accepts 2024/0123456X and 24/123456X)."""
    normal = normalise_pnc(pnc_number)
    if normal is None:
        return []
    year, _, rest = normal.partition("/")
    serial, check = rest[:-1], rest[-1]
    years = {year, year[2:]}
    serials = {serial.zfill(width) for width in range(len(serial), 8)}
    return sorted(f"{y}/{s}{check}" for y in years for s in serials)


def _dismissed_with(child_id: int) -> sa.Select:
    return (
        select(DuplicateDismissal.other_young_person_id)
        .where(DuplicateDismissal.young_person_id == child_id)
        .union(
            select(DuplicateDismissal.young_person_id).where(
                DuplicateDismissal.other_young_person_id == child_id
            )
        )
    )


def dao_possible_duplicates(
    viewer: Viewer, details: Details, *, excluding: int | None = None
) -> PossibleDuplicates:
    """Every child in the service who may be the one described, split by whether the viewer may
    see them; a child already told apart from ``excluding`` (the child being admitted) is left
    out."""
    session = db.session()
    candidates_by = [YoungPerson.date_of_birth.in_(birth_dates(details.date_of_birth))]
    if forms := pnc_forms(details.pnc_number):
        candidates_by.append(func.upper(YoungPerson.pnc_number).in_(forms))
    statement = select(YoungPerson).where(or_(*candidates_by)).limit(CANDIDATES)
    if excluding is not None:
        statement = statement.where(
            YoungPerson.id != excluding, YoungPerson.id.not_in(_dismissed_with(excluding))
        )
    wanted = details.as_tuple()
    matches = [
        child
        for child in session.exec(statement).all()
        if may_be_one_child(wanted, Details.of(child).as_tuple())
    ]
    if not matches:
        return PossibleDuplicates()
    visible = set(
        session.exec(
            select(YoungPerson.id).where(
                YoungPerson.id.in_([c.id for c in matches]), viewer.visible
            ),
            params=viewer.params,
        ).all()
    )
    shown = sorted(
        (c for c in matches if c.id in visible), key=lambda c: (c.family_name, c.given_name, c.id)
    )
    hidden = tuple(sorted(c.id for c in matches if c.id not in visible))
    return PossibleDuplicates(shown, hidden)


def record_chosen(user: User, child: YoungPerson, occasion: DuplicateOccasion) -> None:
    """The user said the child they were registering (or admitting) is this one."""
    audit.record(
        "possible_duplicate_chosen",
        user=user,
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
        detail=occasion.value.lower(),
    )


def record_different(
    user: User,
    child: YoungPerson,
    found: PossibleDuplicates,
    occasion: DuplicateOccasion,
    reason: str,
) -> None:
    """The user said ``child`` is none of the possible duplicates found, and why: kept for each
    pair, and audited once per pair (the other child's id only in the row, never the page)."""
    session = db.session()
    for other_id in found.all_ids:
        dismissal = DuplicateDismissal(
            young_person_id=child.id,
            other_young_person_id=other_id,
            occasion=occasion,
            reason=reason,
            dismissed_by_id=user.id,
        )
        session.add(dismissal)
        session.flush()
        audit.record(
            "possible_duplicate_dismissed",
            young_person_id=child.id,
            object_type="duplicate_dismissal",
            object_id=dismissal.id,
            user=user,
            detail=occasion.value.lower(),
        )
