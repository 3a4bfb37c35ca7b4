"""Plain factory functions: each creates one row, commits, and returns it."""

from datetime import UTC, date, datetime, timedelta
from itertools import count

from argon2 import PasswordHasher

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.people.models import LegalStatus, Placement, Sex, YoungPerson

PASSWORD = "correct horse battery staple"
# A cheap hash for test users: verifying it is fast, and it is still a real argon2id hash.
_FAST_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
_numbers = count(1)

ROLE_FOR_KIND = {
    AgencyKind.YOT: Role.YOT_OFFICER,
    AgencyKind.ACPC: Role.ACPC_MEMBER,
    AgencyKind.YOI: Role.ESTABLISHMENT_STAFF,
    AgencyKind.STC: Role.ESTABLISHMENT_STAFF,
    AgencyKind.SCH: Role.ESTABLISHMENT_STAFF,
    AgencyKind.SECURE_SCHOOL: Role.ESTABLISHMENT_STAFF,
}


def _save(row):
    db.session().add(row)
    db.session().commit()
    return row


def create_area(name: str | None = None, code: str | None = None) -> Area:
    n = next(_numbers)
    return _save(Area(code=code or f"A{n}", name=name or f"Area {n}"))


def create_agency(kind: AgencyKind = AgencyKind.YOI, area: Area | None = None, name=None) -> Agency:
    n = next(_numbers)
    return _save(
        Agency(
            code=f"{kind.value[:3]}{n}",
            name=name or f"{kind.label} {n}",
            kind=kind,
            area_id=area.id if area else None,
        )
    )


def create_user(agency: Agency, role: Role | None = None, **fields) -> User:
    n = next(_numbers)
    fields.setdefault("email", f"user{n}@example.org")
    fields.setdefault("name", f"User {n}")
    return _save(
        User(
            role=role or ROLE_FOR_KIND[agency.kind],
            agency_id=agency.id,
            password_hash=_FAST_HASH,
            **fields,
        )
    )


def create_child(area: Area, **fields) -> YoungPerson:
    n = next(_numbers)
    defaults = {
        "given_name": "Sam",
        "family_name": f"Child{n}",
        "date_of_birth": date.today() - timedelta(days=16 * 365),
        "sex": Sex.MALE,
        "ethnicity": "White",
        "local_reference": f"REF-{n}",
        "legal_status": LegalStatus.REMAND,
    }
    defaults.update(fields)
    return _save(YoungPerson(home_area_id=area.id, **defaults))


def create_placement(
    child: YoungPerson, establishment: Agency, admitted_at=None, left_at=None, **f
):
    admitted_at = admitted_at or datetime.now(UTC) - timedelta(days=3)
    return _save(
        Placement(
            young_person_id=child.id,
            establishment_id=establishment.id,
            admitted_at=admitted_at,
            left_at=left_at,
            **f,
        )
    )


def create_action(
    child: YoungPerson, owner: Agency, due_at: datetime | None = None, **fields
) -> WelfareAction:
    """An action as stored, without going through the rules: for lists, filters and access."""
    due_at = due_at or datetime.now(UTC) + timedelta(days=1)
    fields.setdefault("kind", "manual")
    fields.setdefault("title", f"Action {next(_numbers)}")
    fields.setdefault("acpc_due_at", due_at + timedelta(days=2))
    return _save(
        WelfareAction(young_person_id=child.id, owner_agency_id=owner.id, due_at=due_at, **fields)
    )


# Every screening question answered "no" (and who to contact): a complete, LOW screening.
SCREENING_ANSWERS_ALL_NO = {
    "physical_health_needs": False,
    "mental_health_diagnosis": False,
    "camhs_involvement": False,
    "mental_health_medication": False,
    "self_harm_ever": False,
    "self_harm_recent": False,
    "substance_misuse": False,
    "neurodisability": False,
    "looked_after": False,
    "child_protection_plan": False,
    "child_protection_concerns": False,
    "bullying": False,
    "exploitation": False,
    "gang_association": False,
    "family_contacts": "Mother, 07700 900123",
    "contact_restrictions": False,
    "first_time_in_custody": False,
    "must_know_tonight": False,
}


def create_screening(child: YoungPerson, author: User, submitted_at=None, **fields):
    """A complete screening as stored (every answer "no" unless given), without the services.

    A draft unless ``submitted_at`` is given; submitted at LOW unless levels are given.
    """
    from yoi_welfare.domain.wellbeing import Level
    from yoi_welfare.screenings.models import ScreeningStatus, WelfareScreening

    values = {**SCREENING_ANSWERS_ALL_NO, "indicated_level": Level.LOW, **fields}
    if submitted_at is not None:
        values.setdefault("practitioner_level", values["indicated_level"])
        values.update(
            status=ScreeningStatus.SUBMITTED,
            submitted_at=submitted_at,
            submitted_by_id=author.id,
        )
    return _save(
        WelfareScreening(
            young_person_id=child.id,
            created_by_id=author.id,
            updated_by_id=author.id,
            **values,
        )
    )


def create_sharing_agreement(area: Area, parties: list[Agency], **fields):
    """An agreement for the area signed by these agencies, in force from 2000 unless told."""
    from yoi_welfare.governance.agreements import create_agreement

    fields.setdefault("title", f"{area.name} information-sharing agreement")
    fields.setdefault("starts_on", date(2000, 1, 1))
    fields.setdefault("review_by", date(2099, 1, 1))
    agreement = create_agreement(area, parties, **fields)
    db.session().commit()
    return agreement


class World:
    """Two areas, each with a YOT and an ACPC, two establishments, and a user of every role.

    Each area has a sharing agreement in force, signed by its YOT and ACPC and both establishments.
    """

    def __init__(self):
        self.area = create_area("Northmoor", "NTH")
        self.other_area = create_area("Riverside", "RIV")
        self.yot = create_agency(AgencyKind.YOT, self.area, "Northmoor YOT")
        self.acpc = create_agency(AgencyKind.ACPC, self.area, "Northmoor ACPC")
        self.other_yot = create_agency(AgencyKind.YOT, self.other_area, "Riverside YOT")
        self.other_acpc = create_agency(AgencyKind.ACPC, self.other_area, "Riverside ACPC")
        self.yoi = create_agency(AgencyKind.YOI, name="Ashgrove YOI")
        self.other_yoi = create_agency(AgencyKind.STC, name="Cedar Lodge STC")
        # Each area's agencies and both establishments have signed its sharing agreement.
        establishments = [self.yoi, self.other_yoi]
        self.agreement = create_sharing_agreement(self.area, [self.yot, self.acpc, *establishments])
        self.other_agreement = create_sharing_agreement(
            self.other_area, [self.other_yot, self.other_acpc, *establishments]
        )
        self.officer = create_user(self.yot, name="Olive Officer")
        self.other_officer = create_user(self.other_yot)
        self.acpc_member = create_user(self.acpc)
        self.other_acpc_member = create_user(self.other_acpc)
        self.staff = create_user(self.yoi, name="Wing Officer")
        self.other_staff = create_user(self.other_yoi)
        self.admin = create_user(self.yot, Role.ADMINISTRATOR)


def sign_in(client, user: User, password: str = PASSWORD):
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code in (302, 303), "sign-in failed"
    return response
