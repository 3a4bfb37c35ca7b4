"""The record of disclosure: every time a child's record leaves the service.

Rule 7 of the government's golden rules of information sharing: keep a record of what was
shared, with whom and why. Written in the same transaction as whatever made the record leave.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.dates import LONDON
from yoi_welfare.governance.agreements import dao_bases_by_area
from yoi_welfare.governance.models import Disclosure, DisclosureChannel
from yoi_welfare.people.models import YoungPerson


@dataclass(frozen=True)
class Leaving:
    """One child's record leaving for one recipient."""

    young_person_id: int
    recipient: str
    # What left, when it differs from one item to the next (each escalation's own email).
    object_id: int | None = None


def record_disclosures(
    leaving: Iterable[Leaving],
    *,
    channel: DisclosureChannel,
    purpose: str,
    at: datetime,
    by: User | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    lawful_basis: str | None = None,
) -> int:
    """Record many disclosures in one INSERT; the lawful basis is each child's area agreement's.

    ``lawful_basis`` overrides it (a subject access request is the child's own right of access).
    """
    leaving = list(leaving)
    if not leaving:
        return 0
    areas = dict(
        db.session()
        .exec(
            select(YoungPerson.id, YoungPerson.home_area_id).where(
                YoungPerson.id.in_({item.young_person_id for item in leaving})
            )
        )
        .all()
    )
    bases = dao_bases_by_area(at.astimezone(LONDON).date())
    rows = []
    for item in leaving:
        basis = bases.get(areas.get(item.young_person_id))
        rows.append(
            {
                "young_person_id": item.young_person_id,
                "disclosed_at": at,
                "user_id": by.id if by is not None else None,
                "channel": channel.value,
                "recipient": item.recipient[:300],
                "purpose": purpose[:300],
                "lawful_basis": (
                    lawful_basis
                    or (basis.lawful_basis if basis else "No sharing agreement in force")
                )[:500],
                "agreement_id": None if lawful_basis or basis is None else basis.agreement_id,
                "object_type": object_type,
                "object_id": item.object_id if item.object_id is not None else object_id,
            }
        )
    db.session().execute(Disclosure.__table__.insert(), rows)  # Core: fast for many rows
    return len(rows)


def recipient_of(user: User, agency_name: str) -> str:
    return f"{user.name} ({user.email}), {agency_name}"


@dataclass(frozen=True)
class DisclosureRow:
    disclosure: Disclosure
    by_name: str | None


def dao_disclosures_for_child(young_person_id: int, limit: int) -> tuple[list[DisclosureRow], int]:
    """The newest disclosures of one child's record, and how many there are in all."""
    session = db.session()
    total = session.exec(
        select(func.count())
        .select_from(Disclosure)
        .where(Disclosure.young_person_id == young_person_id)
    ).one()
    rows = session.exec(
        select(Disclosure, User.name)
        .outerjoin(User, User.id == Disclosure.user_id)
        .where(Disclosure.young_person_id == young_person_id)
        .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
        .limit(limit)
    ).all()
    return [DisclosureRow(disclosure, name) for disclosure, name in rows], total
