"""Fictional demo data: areas, agencies, users of every role and ~40 children with histories."""

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.people.models import (
    ETHNICITIES,
    LeavingReason,
    LegalStatus,
    Placement,
    Sex,
    YoungPerson,
)

DEFAULT_DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - fictional accounts only

AREAS = [("NTH", "Northmoor"), ("RIV", "Riverside"), ("EST", "Eastvale")]
ESTABLISHMENTS = [
    ("ASH-YOI", "Ashgrove YOI", AgencyKind.YOI),
    ("BRK-YOI", "Brookfield YOI", AgencyKind.YOI),
    ("CED-STC", "Cedar Lodge STC", AgencyKind.STC),
    ("LRK-SCH", "Larkhill SCH", AgencyKind.SCH),
    ("OAK-SS", "Oakridge Secure School", AgencyKind.SECURE_SCHOOL),
]
GIVEN = [
    "Aiden",
    "Bella",
    "Callum",
    "Dami",
    "Ellis",
    "Farah",
    "George",
    "Hassan",
    "Isla",
    "Jayden",
    "Kai",
    "Leah",
    "Mason",
    "Nia",
    "Oscar",
    "Priya",
    "Quinn",
    "Reece",
    "Sami",
    "Tyler",
]
FAMILY = [
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Fofana",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morris",
    "Nowak",
    "Owusu",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walsh",
]


def _user(email: str, name: str, role: Role, agency: Agency, password_hash: str, manager=False):
    return User(
        email=email,
        name=name,
        role=role,
        agency_id=agency.id,
        password_hash=password_hash,
        is_manager=manager,
    )


def load_demo_data(password: str) -> tuple[bool, list[dict]]:
    """Create the demo set if the database has no areas yet; return (created, accounts)."""
    session = db.session()
    created = session.exec(select(Area.id).limit(1)).first() is None
    if created:
        _create(password)
    return created, demo_accounts()


def demo_accounts() -> list[dict]:
    rows = (
        db.session()
        .exec(
            select(User, Agency, Area)
            .join(Agency, Agency.id == User.agency_id)
            .outerjoin(Area, Area.id == Agency.area_id)
            .order_by(User.email)
        )
        .all()
    )
    return [
        {
            "email": u.email,
            "role": u.role.value,
            "agency": a.name,
            "area": area.name if area else None,
        }
        for u, a, area in rows
    ]


def _create(password: str) -> None:
    session = db.session()
    # Fictional data, so a seeded, repeatable generator; 2002 is the year of the inspectors' report.
    rng = random.Random(2002)  # noqa: S311
    password_hash = hash_password(password)
    areas, yots, users = [], [], []
    for code, name in AREAS:
        area = Area(code=code, name=name)
        session.add(area)
        session.flush()
        areas.append(area)
        yot = Agency(code=f"{code}-YOT", name=f"{name} YOT", kind=AgencyKind.YOT, area_id=area.id)
        acpc = Agency(
            code=f"{code}-ACPC", name=f"{name} ACPC", kind=AgencyKind.ACPC, area_id=area.id
        )
        session.add_all([yot, acpc])
        session.flush()
        yots.append(yot)
        slug = name.lower()
        users += [
            _user(
                f"officer.{slug}@yot.example.org",
                f"{name} YOT officer",
                Role.YOT_OFFICER,
                yot,
                password_hash,
            ),
            _user(
                f"manager.{slug}@yot.example.org",
                f"{name} YOT manager",
                Role.YOT_OFFICER,
                yot,
                password_hash,
                True,
            ),
            _user(
                f"member.{slug}@acpc.example.org",
                f"{name} ACPC member",
                Role.ACPC_MEMBER,
                acpc,
                password_hash,
            ),
        ]
    establishments = []
    for code, name, kind in ESTABLISHMENTS:
        agency = Agency(code=code, name=name, kind=kind)
        session.add(agency)
        session.flush()
        establishments.append(agency)
        slug = code.lower()
        users += [
            _user(
                f"staff.{slug}@secure.example.org",
                f"{name} wing officer",
                Role.ESTABLISHMENT_STAFF,
                agency,
                password_hash,
            ),
            _user(
                f"manager.{slug}@secure.example.org",
                f"{name} safer custody manager",
                Role.ESTABLISHMENT_STAFF,
                agency,
                password_hash,
                True,
            ),
        ]
    users.append(
        _user(
            "admin@yoi-welfare.example.org",
            "Service administrator",
            Role.ADMINISTRATOR,
            yots[0],
            password_hash,
        )
    )
    session.add_all(users)
    session.flush()

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    today = now.date()
    for number in range(40):
        area = areas[number % len(areas)]
        yot = yots[number % len(yots)]
        officer = next(u for u in users if u.agency_id == yot.id)
        age_days = rng.randint(14 * 365 + 30, 17 * 365 + 300)
        legal_status = rng.choice(list(LegalStatus))
        child = YoungPerson(
            given_name=GIVEN[number % len(GIVEN)],
            family_name=FAMILY[(number * 7) % len(FAMILY)],
            date_of_birth=today - timedelta(days=age_days),
            sex=rng.choice([Sex.MALE, Sex.MALE, Sex.MALE, Sex.FEMALE]),
            ethnicity=rng.choice(ETHNICITIES),
            local_reference=f"{area.code}-{1000 + number}",
            pnc_number=_pnc(rng, today.year, number) if number % 3 else None,
            home_area_id=area.id,
            legal_status=legal_status,
            looked_after=legal_status is LegalStatus.REMAND or rng.random() < 0.3,
            child_protection_plan=rng.random() < 0.15,
            created_by_id=officer.id,
            created_at=now - timedelta(days=400),
        )
        session.add(child)
        session.flush()
        _placement_history(session, rng, child, establishments, now, still_held=number % 5 != 4)


def _pnc(rng: random.Random, year: int, number: int) -> str:
    return f"{year - rng.randint(0, 2)}/{rng.randint(100000, 999999):07d}{chr(65 + number % 26)}"


def _placement_history(session, rng, child, establishments, now, still_held: bool) -> None:
    """One to three placements; transfers chain; most children are held now."""
    moves = rng.randint(1, 3)
    start = now - timedelta(days=rng.randint(20, 300), hours=rng.randint(0, 23))
    establishment = rng.choice(establishments)
    for move in range(moves):
        last = move == moves - 1
        placement = Placement(
            young_person_id=child.id, establishment_id=establishment.id, admitted_at=start
        )
        if not last:
            left = start + timedelta(days=rng.randint(5, 40))
            placement.left_at, placement.leaving_reason = left, LeavingReason.TRANSFER
            establishment = rng.choice([e for e in establishments if e.id != establishment.id])
            start = left
        elif not still_held:
            placement.left_at = min(
                now - timedelta(days=1), start + timedelta(days=rng.randint(10, 60))
            )
            placement.leaving_reason = LeavingReason.RELEASE
        session.add(placement)
    session.flush()
