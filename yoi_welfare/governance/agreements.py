"""Information-sharing agreements: which agencies may see an area's children, and why."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.models import AgreementParty, SharingAgreement


class AgreementError(ServiceError):
    """An agreement that cannot be recorded as given."""


def in_force(today: date | sa.ColumnElement) -> sa.ColumnElement[bool]:
    """Agreements that have started and not ended on this day."""
    return sa.and_(
        SharingAgreement.starts_on <= today,
        sa.or_(SharingAgreement.ends_on.is_(None), SharingAgreement.ends_on >= today),
    )


def party_to_agreement_clause(
    agency_id: int | sa.ColumnElement,
    area: sa.ColumnElement | int,
    today: date | sa.ColumnElement,
) -> sa.ColumnElement[bool]:
    """EXISTS: the agency is a party to an agreement in force for the area.

    ``area`` is the child's home area column (correlated: one index probe per child) or, when
    every child in question is of one area, its id (evaluated once per query).
    """
    return (
        select(AgreementParty.agreement_id)
        .join(SharingAgreement, SharingAgreement.id == AgreementParty.agreement_id)
        .where(
            AgreementParty.agency_id == agency_id,
            SharingAgreement.area_id == area,
            in_force(today),
        )
        .exists()
    )


def dao_is_party(agency_id: int, area_id: int, today: date) -> bool:
    """Whether the agency is a party to an agreement in force for the area today."""
    return bool(
        db.session().exec(select(party_to_agreement_clause(agency_id, area_id, today))).one()
    )


def agreement_shared_under(
    agency_id: sa.ColumnElement, area_id: sa.ColumnElement, today: sa.ColumnElement
) -> sa.Select:
    """The title of the newest agreement in force under which the agency sees the area's
    children."""
    return (
        select(SharingAgreement.title)
        .join(AgreementParty, AgreementParty.agreement_id == SharingAgreement.id)
        .where(
            AgreementParty.agency_id == agency_id,
            SharingAgreement.area_id == area_id,
            in_force(today),
        )
        .order_by(SharingAgreement.starts_on.desc(), SharingAgreement.id.desc())
        .limit(1)
    )


@db.prepared
def _shared_under() -> sa.Select:
    title = agreement_shared_under(
        sa.bindparam("agency_id"), sa.bindparam("area_id"), sa.bindparam("today", type_=sa.Date)
    )
    return select(title.scalar_subquery(), Area.name).where(Area.id == sa.bindparam("area_id"))


def dao_shared_under(agency_id: int, area_id: int, today: date) -> str | None:
    """The title and area of the agreement under which this agency sees the area's children."""
    params = {"agency_id": agency_id, "area_id": area_id, "today": today}
    row = db.session().exec(_shared_under(), params=params).first()
    return shared_under_line(*row) if row else None


def shared_under_line(title: str | None, area_name: str) -> str | None:
    return f"{title} ({area_name})" if title else None


@dataclass(frozen=True)
class AgreementBasis:
    agreement_id: int | None
    lawful_basis: str


def dao_bases_by_area(today: date) -> dict[int, AgreementBasis]:
    """The lawful basis of each area's agreement in force (the newest, if several)."""
    rows = db.session().exec(
        select(SharingAgreement.area_id, SharingAgreement.id, SharingAgreement.lawful_basis)
        .where(in_force(today))
        .order_by(SharingAgreement.starts_on, SharingAgreement.id)
    )
    return {
        area_id: AgreementBasis(agreement_id, basis[:500]) for area_id, agreement_id, basis in rows
    }


@dataclass(frozen=True)
class AgreementRow:
    agreement: SharingAgreement
    area: Area
    parties: list[Agency]

    def past_review(self, today: date) -> bool:
        return self.agreement.review_by < today and self.agreement.is_current(today)


def _parties(agreement_ids: list[int]) -> dict[int, list[Agency]]:
    if not agreement_ids:
        return {}
    rows = db.session().exec(
        select(AgreementParty.agreement_id, Agency)
        .join(Agency, Agency.id == AgreementParty.agency_id)
        .where(AgreementParty.agreement_id.in_(agreement_ids))
        .order_by(Agency.name)
    )
    parties: dict[int, list[Agency]] = {}
    for agreement_id, agency in rows:
        parties.setdefault(agreement_id, []).append(agency)
    return parties


def dao_agreements(condition: sa.ColumnElement[bool] | None = None) -> list[AgreementRow]:
    """Agreements with their area and parties, by area then newest first."""
    statement = (
        select(SharingAgreement, Area)
        .join(Area, Area.id == SharingAgreement.area_id)
        .order_by(Area.name, SharingAgreement.starts_on.desc(), SharingAgreement.id.desc())
    )
    if condition is not None:
        statement = statement.where(condition)
    rows = db.session().exec(statement).all()
    parties = _parties([agreement.id for agreement, _ in rows])
    return [AgreementRow(a, area, parties.get(a.id, [])) for a, area in rows]


def dao_agreements_past_review(today: date) -> list[AgreementRow]:
    """Agreements in force past their review date, flagged on the administrators' home page."""
    return dao_agreements(sa.and_(in_force(today), SharingAgreement.review_by < today))


def dao_agreement(agreement_id: int) -> AgreementRow | None:
    rows = dao_agreements(SharingAgreement.id == agreement_id)
    return rows[0] if rows else None


# What an administrator records of an agreement, besides its area and parties.
AGREEMENT_TERMS = (
    "title",
    "purpose",
    "lawful_basis",
    "data_items",
    "contact",
    "starts_on",
    "review_by",
    "ends_on",
)


@dataclass(frozen=True)
class AgreementDetails:
    area_id: int
    title: str
    purpose: str
    lawful_basis: str
    data_items: str
    contact: str
    starts_on: date
    review_by: date
    ends_on: date | None
    party_ids: list[int]


def _check(details: AgreementDetails) -> list[Agency]:
    if db.session().get(Area, details.area_id) is None:
        raise AgreementError("Select the area the agreement covers", "area")
    if details.review_by < details.starts_on:
        raise AgreementError("The review date must be on or after the start date", "review_by")
    if details.ends_on is not None and details.ends_on < details.starts_on:
        raise AgreementError("The end date must be on or after the start date", "ends_on")
    parties = list(
        db.session().exec(select(Agency).where(Agency.id.in_(details.party_ids or [-1]))).all()
    )
    if not parties:
        raise AgreementError("Select the agencies that signed the agreement", "parties")
    strangers = [
        agency.name
        for agency in parties
        if not agency.is_establishment and agency.area_id != details.area_id
    ]
    if strangers:
        raise AgreementError(
            f"{', '.join(strangers)} belongs to another area: select the area's own agencies "
            "and the establishments",
            "parties",
        )
    return parties


def save_agreement(
    details: AgreementDetails, *, by, agreement: SharingAgreement | None = None
) -> SharingAgreement:
    """Record a new agreement, or change one; its parties are replaced by those given."""
    parties = _check(details)
    session = db.session()
    creating = agreement is None
    agreement = agreement or SharingAgreement(area_id=details.area_id)
    agreement.area_id = details.area_id
    for name in AGREEMENT_TERMS:
        setattr(agreement, name, getattr(details, name))
    agreement.updated_at = utcnow()
    agreement.updated_by_id = by.id
    session.add(agreement)
    session.flush()
    session.execute(sa.delete(AgreementParty).where(AgreementParty.agreement_id == agreement.id))
    session.add_all(AgreementParty(agreement_id=agreement.id, agency_id=a.id) for a in parties)
    session.flush()
    audit.record(
        "sharing_agreement_recorded" if creating else "sharing_agreement_changed",
        object_type="sharing_agreement",
        object_id=agreement.id,
        user=by,
    )
    return agreement


def create_agreement(
    area: Area, parties: list[Agency], *, title: str, starts_on: date, review_by: date, **text
) -> SharingAgreement:
    """An agreement as stored, without the checks: for demo data and tests."""
    agreement = SharingAgreement(
        area_id=area.id,
        title=title,
        purpose=text.get("purpose", "Safeguarding children in custody from the area."),
        lawful_basis=text.get(
            "lawful_basis",
            "UK GDPR Article 6(1)(e) public task; Article 9(2)(g) with DPA 2018 Schedule 1 "
            "paragraph 18 (safeguarding of children and individuals at risk).",
        ),
        data_items=text.get(
            "data_items",
            "Identity, placements, welfare screenings, custody welfare notes, self-harm flags, "
            "placement reviews, welfare actions and escalations.",
        ),
        contact=text.get("contact", "Information governance lead of each agency"),
        starts_on=starts_on,
        review_by=review_by,
        ends_on=text.get("ends_on"),
    )
    session = db.session()
    session.add(agreement)
    session.flush()
    session.add_all(AgreementParty(agreement_id=agreement.id, agency_id=a.id) for a in parties)
    session.flush()
    return agreement
