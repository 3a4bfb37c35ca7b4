"""Fictional demo data: areas, agencies, users of every role and ~40 children with histories."""

import random
from datetime import datetime, timedelta

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password
from yoi_welfare.actions import services as actions
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.alerts import services as alerts
from yoi_welfare.custody import services as custody
from yoi_welfare.custody.models import NoteCategory
from yoi_welfare.dates import utcnow
from yoi_welfare.domain.estate import outside
from yoi_welfare.domain.placements import age_on
from yoi_welfare.governance import agreements
from yoi_welfare.people.models import (
    ETHNICITIES,
    LeavingReason,
    LegalStatus,
    Placement,
    Sex,
    YoungPerson,
)
from yoi_welfare.people.placements import dao_current_placement
from yoi_welfare.reviews import services as reviews
from yoi_welfare.reviews.models import PlacementOutcome, ReviewKind
from yoi_welfare.screenings.demo import create_demo_screenings
from yoi_welfare.screenings.queries import SCREENING_DUE
from yoi_welfare.self_harm import services as self_harm
from yoi_welfare.self_harm.models import Attendee, ObservationLevel, RiskLevel

DEFAULT_DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - fictional accounts only  # nosec B105

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
    rng = random.Random(2002)  # noqa: S311  # nosec B311
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

    now = utcnow().replace(second=0, microsecond=0)
    today = now.date()
    _sharing_agreements(areas, establishments, today)
    held = []
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
        alerts.sync_child_details(child, by=officer, now=child.created_at)
        still_held = number % 5 != 4
        _placement_history(session, rng, child, establishments, now, still_held)
        if still_held:
            held.append((child, officer))
    _former_children(areas, establishments, now)
    _likely_duplicate(*held[0], now)
    screened = _welfare_actions(held, now)
    create_demo_screenings(held, now, screened)
    _custody_welfare([child for child, _ in held], users, now)


def _sharing_agreements(areas: list[Area], establishments: list[Agency], today) -> None:
    """Each area's agreement, signed by its YOT, its ACPC and every establishment.

    Eastvale's is past its review date, so the administrators' home page shows the flag.
    """
    session = db.session()
    for area in areas:
        area_agencies = list(session.exec(select(Agency).where(Agency.area_id == area.id)))
        overdue = area.code == "EST"
        agreements.create_agreement(
            area,
            area_agencies + establishments,
            title=f"{area.name} safeguarding children in custody information-sharing agreement",
            starts_on=today - timedelta(days=400),
            review_by=today - timedelta(days=30) if overdue else today + timedelta(days=300),
            contact=f"DPO, {area.name} Council: dpo@{area.code.lower()}.example",
        )


def _former_children(areas, establishments, now: datetime) -> None:
    """Two fictional adults whose records have passed the retention period, for the review."""
    session = db.session()
    for number, area in enumerate(areas[:2]):
        child = YoungPerson(
            given_name=GIVEN[(number + 7) % len(GIVEN)],
            family_name=FAMILY[(number + 3) % len(FAMILY)],
            date_of_birth=now.date() - timedelta(days=26 * 365 + 40 * number),
            sex=Sex.MALE,
            ethnicity=ETHNICITIES[number],
            local_reference=f"{area.code}-0{100 + number}",
            home_area_id=area.id,
            legal_status=LegalStatus.DTO,
            created_at=now - timedelta(days=10 * 365),
        )
        session.add(child)
        session.flush()
        admitted = now - timedelta(days=9 * 365 + 30)
        session.add(
            Placement(
                young_person_id=child.id,
                establishment_id=establishments[number].id,
                admitted_at=admitted,
                left_at=admitted + timedelta(days=120),
                leaving_reason=LeavingReason.RELEASE,
            )
        )
    session.flush()


def _likely_duplicate(child: YoungPerson, officer: User, now: datetime) -> None:
    """The first child held, registered a second time by their YOT under another reference and
    typed differently: the pair an administrator can merge."""
    area_code, _, _number = child.local_reference.partition("-")
    session = db.session()
    session.add(
        YoungPerson(
            given_name=child.given_name.lower(),
            family_name=child.family_name.upper(),
            date_of_birth=child.date_of_birth,
            sex=child.sex,
            ethnicity=child.ethnicity,
            local_reference=f"{area_code}-1900",
            home_area_id=child.home_area_id,
            legal_status=child.legal_status,
            looked_after=child.looked_after,
            created_by_id=officer.id,
            created_at=now - timedelta(days=20),
        )
    )
    session.flush()


def _pnc(rng: random.Random, year: int, number: int) -> str:
    return f"{year - rng.randint(0, 2)}/{rng.randint(100000, 999999):07d}{chr(65 + number % 26)}"


def _placement_history(session, rng, child, establishments, now, still_held: bool) -> None:
    """One to three placements; transfers chain; most children are held now. Each at an
    establishment that holds children of the child's sex and age then, as admissions require."""
    moves = rng.randint(1, 3)
    start = now - timedelta(days=rng.randint(20, 300), hours=rng.randint(0, 23))

    def holding(on: datetime, besides: Agency | None = None) -> list[Agency]:
        age = age_on(child.date_of_birth, on.date())
        return [
            e
            for e in establishments
            if e is not besides and not outside(e.holds, child.sex.value, age)
        ]

    establishment = rng.choice(holding(start))
    for move in range(moves):
        last = move == moves - 1
        placement = Placement(
            young_person_id=child.id, establishment_id=establishment.id, admitted_at=start
        )
        if not last:
            # Never past now: each move takes at most half the time left.
            left = start + min(timedelta(days=rng.randint(5, 40)), (now - start) / 2)
            placement.left_at, placement.leaving_reason = left, LeavingReason.TRANSFER
            establishment = rng.choice(holding(left, besides=establishment))
            start = left
        elif not still_held:
            placement.left_at = start + min(timedelta(days=rng.randint(10, 60)), (now - start) / 2)
            placement.leaving_reason = LeavingReason.RELEASE
        session.add(placement)
    session.flush()


def _welfare_actions(held: list[tuple[YoungPerson, User]], now: datetime) -> dict[int, datetime]:
    """The actions each held child's admission made, most done on time, some overdue.

    Through the same service as a real admission, so the due times follow the rules. A
    screening due is met only by a screening: returns, by child, when the YOT screened them
    (``create_demo_screenings`` writes the screening, which meets the action).
    """
    screened = {}
    rng = random.Random(2013)  # noqa: S311 - fictional data; 2013: the PPO's deaths-in-custody review  # nosec B311
    session = db.session()
    for number, (child, officer) in enumerate(held):
        first = session.exec(
            select(Placement)
            .where(Placement.young_person_id == child.id)
            .order_by(Placement.admitted_at)
        ).first()
        made = actions.on_event(
            "child_admitted", child=child, source=first, at=first.admitted_at, by=None
        )
        for action in made:
            # One in five is left undone, so the demo shows overdue work to chase.
            if action.due_at > now or rng.random() < 0.2:
                continue
            done_at = min(now, action.due_at - timedelta(hours=rng.randint(1, 20)))
            if action.kind == SCREENING_DUE:
                screened[child.id] = done_at
                continue
            # Completed the way recording the work completes it; the demo writes no review
            # behind it.
            actions.complete_open_actions(child, action.kind, by=officer, at=done_at)
            if action.kind == "first_lac_review":
                actions.on_event("lac_review_held", child=child, at=done_at, by=officer)
        if number % 4 == 0:
            actions.add_manual_action(
                child,
                title="Arrange a visit from the child's family",
                owner_agency_id=officer.agency_id,
                due=now + timedelta(hours=rng.randint(2, 72)),
                by=officer,
                now=now,
            )
    return screened


DEMO_NOTES = [
    (NoteCategory.DAILY_WELFARE, "Settled on the wing. Ate well and went to education."),
    (
        NoteCategory.FAMILY_CONTACT,
        "Phone call with their mother; upset afterwards, spoke to staff.",
    ),
    (NoteCategory.HEALTH, "Seen by the nurse for a sore wrist after football. No injury found."),
    (NoteCategory.EDUCATION, "Attended all morning sessions; asked about the catering course."),
    (NoteCategory.INCIDENT, "Argument with another young person at association; separated."),
    (NoteCategory.SELF_HARM_OBSERVATION, "Quiet and withdrawn at evening checks. No marks seen."),
]


def _custody_welfare(held: list[YoungPerson], users: list[User], now: datetime) -> None:
    """Notes (one amended), an open and a closed self-harm flag, and a LAC review.

    Through the same services as the web pages, so the actions they make follow the rules.
    """
    placements = {child.id: dao_current_placement(child.id) for child in held}

    def staff_of(child: YoungPerson) -> User:
        establishment_id = placements[child.id].establishment_id
        return next(u for u in users if u.agency_id == establishment_id and not u.is_manager)

    def settled(days: int) -> list[YoungPerson]:
        """Children held at the same establishment for at least ``days``."""
        since = now - timedelta(days=days)
        return [child for child in held if placements[child.id].admitted_at <= since]

    for number, child in enumerate(settled(3)[: len(DEMO_NOTES)]):
        category, text = DEMO_NOTES[number]
        written = now - timedelta(hours=5 * (number + 1))
        note = custody.write_note(
            child, by=staff_of(child), category=category, text=text, now=written
        )
        if number == 1:
            custody.amend_note(
                note,
                by=staff_of(child),
                category=category,
                text=text.replace("their mother", "their grandmother"),
                reason="It was their grandmother who called, not their mother",
                now=written + timedelta(hours=1),
            )

    candidates = settled(12)
    _open_flag_with_review(candidates[0], staff_of(candidates[0]), now)
    _closed_flag(candidates[1], staff_of(candidates[1]), now)

    looked_after = [child for child in settled(10) if reviews.lac_reviews_apply(child)]
    if looked_after:
        child = looked_after[0]
        reviews.record_review(
            child,
            by=staff_of(child),
            kind=ReviewKind.LAC_REVIEW,
            since=0,
            held_at=now - timedelta(days=1),
            reason=None,
            attendees="Independent reviewing officer; social worker; YOT case manager; the child",
            yot_attended=True,
            outcome=PlacementOutcome.REMAIN,
            summary="Placement meeting the child's needs; family visits to be arranged monthly.",
            transfer_to=None,
            transfer_reason=None,
            next_review_due=None,
            now=now,
        )


def _open_flag_with_review(child: YoungPerson, staff: User, now: datetime) -> None:
    opened = now - timedelta(days=2)
    flag = self_harm.open_flag(
        child,
        by=staff,
        concern="Told a teacher they did not see the point any more after a court date was moved.",
        risk_level=RiskLevel.RAISED,
        observation_level=ObservationLevel.EVERY_30_MINUTES,
        triggers="Court dates; missed family visits",
        warning_signs="Not coming out for meals; giving belongings away",
        opened_at=opened,
        now=opened,
    )
    self_harm.record_immediate_action_plan(
        flag,
        by=staff,
        version=flag.version_id,
        plan="Observations every 30 minutes; keyworker session this evening.",
        made_at=opened + timedelta(minutes=40),
        now=opened + timedelta(minutes=40),
    )
    self_harm.record_assessment_interview(
        flag,
        by=staff,
        version=flag.version_id,
        summary="Low mood linked to the court delay; no plan to self-harm.",
        held_at=opened + timedelta(hours=20),
        now=opened + timedelta(hours=21),
    )
    self_harm.record_case_review(
        flag,
        by=staff,
        version=flag.version_id,
        held_at=opened + timedelta(hours=23),
        attendees=[Attendee.CHILD, Attendee.HEALTHCARE, Attendee.MENTAL_HEALTH],
        yot_attended=True,
        outcome="Keep the flag open; mental health in-reach to visit this week.",
        risk_level=RiskLevel.RAISED,
        observation_level=ObservationLevel.HOURLY,
        close=False,
        next_review_due=now + timedelta(days=1),
        now=opened + timedelta(hours=23, minutes=30),
    )


def _closed_flag(child: YoungPerson, staff: User, now: datetime) -> None:
    opened = now - timedelta(days=10)
    flag = self_harm.open_flag(
        child,
        by=staff,
        concern="Scratches found on the forearm at the morning check.",
        risk_level=RiskLevel.HIGH,
        observation_level=ObservationLevel.EVERY_15_MINUTES,
        triggers=None,
        warning_signs=None,
        opened_at=opened,
        now=opened,
    )
    self_harm.record_immediate_action_plan(
        flag,
        by=staff,
        version=flag.version_id,
        plan="Observations every 15 minutes; healthcare to dress the scratches.",
        made_at=opened + timedelta(minutes=30),
        now=opened + timedelta(minutes=30),
    )
    self_harm.record_assessment_interview(
        flag,
        by=staff,
        version=flag.version_id,
        summary="Distress after a fight with a cell mate; moved to a single cell.",
        held_at=opened + timedelta(hours=18),
        now=opened + timedelta(hours=18),
    )
    for day, close in ((1, False), (7, True)):
        held_at = opened + timedelta(days=day)
        self_harm.record_case_review(
            flag,
            by=staff,
            version=flag.version_id,
            held_at=held_at,
            attendees=[Attendee.CHILD, Attendee.HEALTHCARE],
            yot_attended=not close,
            outcome="Settled, no further marks: close the flag."
            if close
            else "Improving; reduce observations to hourly.",
            risk_level=RiskLevel.LOW if close else RiskLevel.RAISED,
            observation_level=ObservationLevel.STANDARD if close else ObservationLevel.HOURLY,
            close=close,
            next_review_due=None if close else opened + timedelta(days=7),
            now=held_at,
        )
