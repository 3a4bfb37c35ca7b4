"""A synthetic national data set, for measuring the service at the scale it must serve.

`flask --app wsgi synth --children 20000 --years 10` builds about 150 areas, the secure
establishments of England and Wales, their staff, and the children's histories over the years:
placements and transfers, screenings, custody notes (a few amended), self-harm flags with their
reviews, placement reviews, welfare actions (most done on time, some late, a few cancelled, the
current ones open), the escalations that lateness raised, ACPC responses, and the audit trail of
people reading the records, hash-chained as the service writes it.

Rows go in with executemany in large batches and explicit ids, not through the services: the
services are what the benchmarks measure, and building ten years one request at a time would
take days. Everything is fictional and seeded, so two runs with the same seed build the same set.
"""

import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

import sqlalchemy as sa
from sqlmodel import SQLModel

from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.passwords import hash_password
from yoi_welfare.actions.models import MANUAL, TimescaleRule, WelfareAction
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.audit.models import AuditChainHead, AuditEvent, event_content
from yoi_welfare.audit.services import GENESIS_HASH, HEAD_ID, chain_hash
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteCategory
from yoi_welfare.dates import utcnow
from yoi_welfare.demo import FAMILY, GIVEN
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.escalations.models import Escalation, EscalationResponse, ResponseKind
from yoi_welfare.governance.models import AgreementParty, SharingAgreement
from yoi_welfare.people.models import (
    ETHNICITIES,
    LeavingReason,
    LegalStatus,
    Placement,
    Sex,
    YoungPerson,
)
from yoi_welfare.reviews.models import PlacementOutcome, PlacementReview, ReviewKind
from yoi_welfare.screenings.models import ScreeningRead, ScreeningStatus, WelfareScreening
from yoi_welfare.screenings.queries import READ_DUE
from yoi_welfare.screenings.queries import SOURCE_TYPE as SCREENING_SOURCE
from yoi_welfare.self_harm.models import (
    CaseReview,
    FlagState,
    ObservationLevel,
    RiskLevel,
    SelfHarmFlag,
)

BATCH = 5000
AREAS_PER_CHILDREN = 130  # about 150 areas for 20,000 children over ten years
MAX_AREAS = 150
# The secure estate for children in England and Wales, roughly.
ESTATE = [
    (AgencyKind.YOI, 5),
    (AgencyKind.STC, 3),
    (AgencyKind.SCH, 14),
    (AgencyKind.SECURE_SCHOOL, 1),
]
STAFF_PER_ESTABLISHMENT = 30
OFFICERS_PER_YOT = 6
MEMBERS_PER_ACPC = 3
NOTE_EVERY_HOURS = 28  # about two million notes for 20,000 children over ten years
MANUAL_ACTION_EVERY_DAYS = 3
VIEWS_PER_NOTE = 0.5
ON_TIME = 0.9
CANCELLED = 0.04
# The holding establishment reads the YOT's screening within this of admission (the default rule).
READING_TIME = timedelta(hours=4)
FLAG_RATE = 0.18  # stays with a self-harm flag

NOTE_OPENINGS = (
    "Settled on the wing today.",
    "Spoke to staff about home.",
    "Attended education all morning.",
    "Quiet at association.",
    "Phone call with family went well.",
    "Seen by healthcare for a routine check.",
    "Low in mood after a visit was cancelled.",
    "Involved in a verbal disagreement, calmed quickly.",
    "Ate all meals and joined the gym session.",
    "Asked about the next review.",
)
NOTE_CLOSINGS = (
    "No concerns raised.",
    "Keyworker to follow up tomorrow.",
    "Observations continue as planned.",
    "Shared with the YOT officer.",
    "Will check in again this evening.",
)
CATEGORY_WEIGHTS = [
    (NoteCategory.DAILY_WELFARE, 55),
    (NoteCategory.FAMILY_CONTACT, 12),
    (NoteCategory.HEALTH, 9),
    (NoteCategory.EDUCATION, 10),
    (NoteCategory.INCIDENT, 6),
    (NoteCategory.SELF_HARM_OBSERVATION, 4),
    (NoteCategory.OTHER, 4),
]
MANUAL_TITLES = (
    "Arrange a family visit",
    "Refer to the mental health in-reach team",
    "Chase the education records from school",
    "Book an advocacy visit",
    "Share the resettlement plan with the establishment",
    "Confirm the accommodation on release",
)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


class Writer:
    """Buffers rows per table and writes them in batches, parents before children."""

    # Tables in foreign-key order: a flush writes them in this order.
    ORDER = [
        YoungPerson,
        Placement,
        WelfareScreening,
        ScreeningRead,
        CustodyWelfareNote,
        NoteAmendment,
        SelfHarmFlag,
        CaseReview,
        PlacementReview,
        WelfareAction,
        Escalation,
        EscalationResponse,
    ]

    def __init__(self, conn: sa.Connection, counts: Counts):
        self.conn = conn
        self.counts = counts
        self.buffers: dict[type[SQLModel], list[dict]] = {model: [] for model in self.ORDER}
        self.next_ids = {model: self._max_id(model) + 1 for model in self.ORDER}

    def _max_id(self, model: type[SQLModel]) -> int:
        table = model.__table__
        return self.conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar()

    def add(self, model: type[SQLModel], row: dict) -> int:
        row["id"] = row_id = self.next_ids[model]
        self.next_ids[model] += 1
        self.buffers[model].append(row)
        if len(self.buffers[model]) >= BATCH:
            self.flush()
        return row_id

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.buffers[model]
            if rows:
                self.conn.execute(model.__table__.insert(), rows)
                self.counts.add(model.__tablename__, len(rows))
                rows.clear()


@dataclass
class Staff:
    area_yot: dict[int, int]  # area id -> YOT agency id
    area_acpc: dict[int, int]
    users: dict[int, list[int]]  # agency id -> user ids
    managers: dict[int, list[int]]

    def establishments(self) -> list[int]:
        areas = {*self.area_yot.values(), *self.area_acpc.values()}
        return [agency for agency in self.users if agency not in areas]


class Synthesiser:
    def __init__(
        self, conn: sa.Connection, *, children: int, years: int, seed: int, password: str, now=None
    ):
        self.conn = conn
        self.password = password
        self.children = children
        self.years = years
        # Seeded, so a benchmark can be repeated; nothing secret comes from it.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.now = (now or utcnow()).replace(microsecond=0)
        self.start = self.now - timedelta(days=365 * years)
        self.counts = Counts()
        self.flag_rate = FLAG_RATE
        self.rules = {
            r.key: r for r in conn.execute(sa.select(TimescaleRule.__table__)).mappings().all()
        }
        self.views: list[tuple[float, int, int, int, str]] = []
        self.categories = [c for c, _ in CATEGORY_WEIGHTS]
        self.category_cum = list(accumulate(w for _, w in CATEGORY_WEIGHTS))

    # -- agencies and people -------------------------------------------------------------
    def build(
        self, progress: Callable[[str], None] = lambda _m: None, staff: Staff | None = None
    ) -> Counts:
        """Build the set; given the staff of an earlier build, add more children to its areas."""
        began = time.perf_counter()
        if staff is None:
            staff = self._agencies_and_users()
            progress(f"areas, agencies and users in {time.perf_counter() - began:.1f} s")
        self.staff = staff
        writer = Writer(self.conn, self.counts)
        areas = list(staff.area_yot)
        # A few big cities and many small areas: the weights fall off like a city-size table.
        area_cum = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(areas))))
        establishments = staff.establishments()
        for n in range(self.children):
            area = areas[bisect(area_cum, self.rng.random() * area_cum[-1])]
            self._child(writer, staff, area, establishments)
            if (n + 1) % 2000 == 0:
                writer.flush()
                progress(f"{n + 1} children in {time.perf_counter() - began:.1f} s")
        writer.flush()
        self._audit(staff)
        self._reset_sequences()
        progress(f"done in {time.perf_counter() - began:.1f} s")
        return self.counts

    def add_history(self, child_id: int, episodes: int) -> None:
        """Give one child more past custody episodes, all ended and each with a self-harm flag
        (and placement reviews, for a looked-after child): for tests of growth."""
        child = (
            self.conn.execute(
                sa.select(YoungPerson.__table__).where(YoungPerson.__table__.c.id == child_id)
            )
            .mappings()
            .one()
        )
        self.area = child["home_area_id"]
        writer = Writer(self.conn, self.counts)
        latest_start = (self.now - self.start).total_seconds() - 250 * 86400
        self.flag_rate = 1.0
        for _ in range(episodes):
            start = self.start + timedelta(seconds=self.rng.random() * latest_start)
            length = timedelta(days=self.rng.uniform(60, 240))
            self._episode(
                writer,
                self.staff,
                child_id,
                self.area,
                LegalStatus(child["legal_status"]),
                child["looked_after"],
                start,
                length,
                self.staff.establishments(),
            )
        writer.flush()
        self._audit(self.staff)
        self._reset_sequences()

    def _agencies_and_users(self) -> Staff:
        conn = self.conn
        first = conn.execute(sa.select(sa.func.count()).select_from(Area.__table__)).scalar() + 1
        n_areas = max(3, min(MAX_AREAS, self.children // AREAS_PER_CHILDREN))
        password = hash_password(self.password)
        staff = Staff({}, {}, {}, {})
        users: list[dict] = []

        def agency(code: str, name: str, kind: AgencyKind, area_id=None) -> int:
            return conn.execute(
                sa.insert(Agency.__table__)
                .values(code=code, name=name, kind=kind.name, area_id=area_id)
                .returning(Agency.__table__.c.id)
            ).scalar()

        def people(agency_id: int, code: str, role: Role, n: int, managers: int) -> None:
            staff.users[agency_id] = []
            staff.managers[agency_id] = []
            for i in range(n):
                users.append(
                    {
                        "email": f"{role.name.lower()}{i + 1}.{code.lower()}@synthetic.example.org",
                        "name": f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}",
                        "password_hash": password,
                        "role": role.name,
                        "agency_id": agency_id,
                        "is_manager": i < managers,
                    }
                )

        for i in range(first, first + n_areas):
            code = f"S{i:03d}"
            area_id = conn.execute(
                sa.insert(Area.__table__)
                .values(code=code, name=f"Synthetic area {i}")
                .returning(Area.__table__.c.id)
            ).scalar()
            yot = agency(f"{code}-YOT", f"Synthetic area {i} YOT", AgencyKind.YOT, area_id)
            acpc = agency(f"{code}-ACPC", f"Synthetic area {i} ACPC", AgencyKind.ACPC, area_id)
            staff.area_yot[area_id] = yot
            staff.area_acpc[area_id] = acpc
            people(yot, f"{code}-YOT", Role.YOT_OFFICER, OFFICERS_PER_YOT, 1)
            people(acpc, f"{code}-ACPC", Role.ACPC_MEMBER, MEMBERS_PER_ACPC, 0)
        for kind, count in ESTATE:
            for i in range(1, count + 1):
                code = f"S{first}-{kind.name[:3]}{i}"
                est = agency(code, f"Synthetic {kind.label.lower()} {first}-{i}", kind)
                people(est, code, Role.ESTABLISHMENT_STAFF, STAFF_PER_ESTABLISHMENT, 2)
        users.append(
            {
                "email": f"admin.s{first}@synthetic.example.org",
                "name": "Synthetic Administrator",
                "password_hash": password,
                "role": Role.ADMINISTRATOR.name,
                "agency_id": next(iter(staff.area_yot.values())),
                "is_manager": False,
            }
        )
        self._agreements(staff)
        table = User.__table__
        for row in users:
            row.setdefault("created_at", self.start)
        conn.execute(table.insert(), users)
        self.counts.add("user", len(users))
        self.counts.add("agency", len(staff.users))
        self.counts.add("area", n_areas)
        by_email = dict(
            conn.execute(
                sa.select(table.c.email, table.c.id).where(
                    table.c.email.in_([u["email"] for u in users])
                )
            ).all()
        )
        for row in users:
            if row["role"] == Role.ADMINISTRATOR.name:
                continue
            staff.users[row["agency_id"]].append(by_email[row["email"]])
            if row["is_manager"]:
                staff.managers[row["agency_id"]].append(by_email[row["email"]])
        return staff

    def _agreements(self, staff: Staff) -> None:
        """Each area's sharing agreement, signed by its YOT and ACPC and every establishment."""
        establishments = staff.establishments()
        for area, yot in staff.area_yot.items():
            agreement = self.conn.execute(
                sa.insert(SharingAgreement.__table__)
                .values(
                    area_id=area,
                    title="Safeguarding children in custody: information-sharing agreement",
                    purpose="Keeping children in custody safe: screenings, notes, flags, reviews.",
                    lawful_basis="UK GDPR 6(1)(e) and 9(2)(g); DPA 2018 Sch 1 para 18",
                    data_items="Identity, placements, welfare screenings, custody records",
                    contact="Information governance lead, synthetic area",
                    starts_on=self.start.date(),
                    review_by=(self.now + timedelta(days=365)).date(),
                    created_at=self.start,
                    updated_at=self.start,
                )
                .returning(SharingAgreement.__table__.c.id)
            ).scalar()
            parties = [yot, staff.area_acpc[area], *establishments]
            self.conn.execute(
                AgreementParty.__table__.insert(),
                [{"agreement_id": agreement, "agency_id": agency} for agency in parties],
            )
        self.counts.add("sharing_agreement", len(staff.area_yot))

    # -- one child's history -------------------------------------------------------------
    def _child(self, w: Writer, staff: Staff, area: int, establishments: list[int]) -> None:
        rng = self.rng
        first_custody = self.start + timedelta(
            seconds=rng.random() * (self.now - self.start).total_seconds()
        )
        age_days = rng.randint(12 * 365 + 30, 17 * 365 + 300)
        born = (first_custody - timedelta(days=age_days)).date()
        legal = rng.choices(list(LegalStatus), weights=[40, 35, 15, 2, 8])[0]
        looked_after = legal is LegalStatus.REMAND or rng.random() < 0.3
        self.area = area  # the home area of the child being built: its ACPC hears of lateness
        yot = staff.area_yot[area]
        officers = staff.users[yot]
        child = w.add(
            YoungPerson,
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "date_of_birth": born,
                "sex": Sex.MALE.name if rng.random() < 0.95 else Sex.FEMALE.name,
                "ethnicity": rng.choice(ETHNICITIES),
                "local_reference": f"R{w.next_ids[YoungPerson]:07d}",
                "pnc_number": None,
                "home_area_id": area,
                "legal_status": legal.name,
                "looked_after": looked_after,
                "child_protection_plan": rng.random() < 0.15,
                "created_at": first_custody - timedelta(hours=6),
                "created_by_id": rng.choice(officers),
            },
        )
        episode_start = first_custody
        while episode_start < self.now:
            length = timedelta(days=rng.triangular(14, 240, 60))
            self._episode(
                w, staff, child, area, legal, looked_after, episode_start, length, establishments
            )
            if rng.random() > 0.3:
                break
            episode_start += length + timedelta(days=rng.randint(60, 540))

    def _episode(self, w, staff, child, area, legal, looked_after, start, length, establishments):
        rng = self.rng
        end = start + length
        yot = staff.area_yot[area]
        officer = rng.choice(staff.users[yot])
        # The YOT screens the child before the first night; the first establishment reads it.
        first = rng.choice(establishments)
        self._screening(w, staff, child, officer, start, first)
        # Most children stay where they are sent; some are transferred once or twice.
        stops = [start]
        for _ in range(rng.choices([0, 1, 2], weights=[75, 20, 5])[0]):
            stops.append(start + (end - start) * rng.uniform(0.2, 0.9))
        stops.sort()
        stops.append(end)
        est = first
        for i, (admitted, left) in enumerate(zip(stops, stops[1:], strict=False)):
            if admitted >= self.now:
                break
            current = left >= self.now
            last = i == len(stops) - 2
            placement = w.add(
                Placement,
                {
                    "young_person_id": child,
                    "establishment_id": est,
                    "admitted_at": admitted,
                    "left_at": None if current else left,
                    "leaving_reason": None
                    if current
                    else (LeavingReason.RELEASE if last else LeavingReason.TRANSFER).name,
                    "admitted_by_id": rng.choice(staff.users[est]),
                    "left_by_id": None if current else rng.choice(staff.users[est]),
                },
            )
            if i == 0:
                self._admission_actions(
                    w, staff, child, legal, yot, officer, start, length, placement
                )
            stay_end = min(left, self.now)
            self._custody_records(
                w, staff, child, est, yot, admitted, stay_end, looked_after, placement
            )
            est = rng.choice([e for e in establishments if e != est])

    def _admission_actions(
        self, w, staff, child, legal, yot, officer, start, length, placement
    ) -> None:
        """What the admission that began the custody episode made due, from that placement."""
        self._action(
            w,
            staff,
            child,
            "welfare_screening_due",
            yot,
            start,
            start + timedelta(days=1),
            ("placement", placement),
            done_by=officer,
        )
        if legal is LegalStatus.REMAND and length > timedelta(days=28):
            self._action(
                w,
                staff,
                child,
                "first_lac_review",
                yot,
                start,
                start + timedelta(days=28),
                ("placement", placement),
                done_by=officer,
            )
        elif legal is not LegalStatus.REMAND:
            self._action(
                w,
                staff,
                child,
                "initial_planning_meeting",
                yot,
                start,
                start + timedelta(days=14),
                ("placement", placement),
                done_by=officer,
            )

    def _screening(self, w, staff, child, officer, at, establishment) -> None:
        """A screening submitted before admission at ``at``, read by the establishment."""
        rng = self.rng
        submitted = at - timedelta(hours=rng.uniform(1, 8))
        self_harm = rng.random() < 0.3
        level = rng.choices(list(Level), weights=[30, 40, 22, 8])[0]
        screening = w.add(
            WelfareScreening,
            {
                "young_person_id": child,
                "status": ScreeningStatus.SUBMITTED.name,
                "created_at": submitted - timedelta(hours=2),
                "created_by_id": officer,
                "updated_at": submitted,
                "updated_by_id": officer,
                "submitted_at": submitted,
                "submitted_by_id": officer,
                "physical_health_needs": rng.random() < 0.2,
                "mental_health_diagnosis": rng.random() < 0.35,
                "camhs_involvement": rng.random() < 0.3,
                "mental_health_medication": rng.random() < 0.2,
                "self_harm_ever": self_harm,
                "self_harm_detail": "Cut arms when distressed at home." if self_harm else None,
                "self_harm_recent": self_harm and rng.random() < 0.4,
                "substance_misuse": rng.random() < 0.4,
                "neurodisability": rng.random() < 0.3,
                "looked_after": rng.random() < 0.4,
                "child_protection_plan": rng.random() < 0.15,
                "child_protection_concerns": rng.random() < 0.2,
                "bullying": rng.random() < 0.15,
                "exploitation": rng.random() < 0.2,
                "gang_association": rng.random() < 0.2,
                "family_contacts": "Mother, by phone in the evenings.",
                "contact_restrictions": False,
                "first_time_in_custody": rng.random() < 0.6,
                "must_know_tonight": rng.random() < 0.1,
                "indicated_level": level.name,
                "indicated_reasons": "Answers given in the screening",
                "practitioner_level": level.name,
            },
        )
        reader = rng.choice(staff.users[establishment])
        # Most are read within the 4 hours the admission gives; a few late.
        read_at = at + timedelta(hours=rng.uniform(0, 4.4))
        if read_at > self.now:
            return
        w.add(
            ScreeningRead,
            {
                "screening_id": screening,
                "agency_id": establishment,
                "read_by_id": reader,
                "read_at": read_at,
            },
        )
        self._action(
            w,
            staff,
            child,
            READ_DUE,
            establishment,
            at,
            at + READING_TIME,
            (SCREENING_SOURCE, screening),
            done_by=reader,
            completed=read_at,
        )

    def _custody_records(self, w, staff, child, est, yot, admitted, until, looked_after, placement):
        rng = self.rng
        est_users = staff.users[est]
        hours = (until - admitted).total_seconds() / 3600
        # Notes, roughly one a day, some amended.
        at = admitted + timedelta(hours=rng.expovariate(1 / NOTE_EVERY_HOURS))
        while at < until:
            category = self.categories[
                bisect(self.category_cum, rng.random() * self.category_cum[-1])
            ]
            author = rng.choice(est_users)
            note = w.add(
                CustodyWelfareNote,
                {
                    "young_person_id": child,
                    "establishment_id": est,
                    "category": category.name,
                    "text": f"{rng.choice(NOTE_OPENINGS)} {rng.choice(NOTE_CLOSINGS)}",
                    "author_id": author,
                    "written_at": at,
                },
            )
            if rng.random() < 0.01:
                w.add(
                    NoteAmendment,
                    {
                        "note_id": note,
                        "category": category.name,
                        "text": f"{rng.choice(NOTE_OPENINGS)} (corrected)",
                        "reason": "Wrong child's name in the first version.",
                        "amended_by_id": author,
                        "amended_at": at + timedelta(hours=2),
                    },
                )
            if rng.random() < VIEWS_PER_NOTE:
                officer = rng.choice(staff.users[yot])
                self.views.append(
                    (at.timestamp() + rng.uniform(60, 86400), officer, yot, child, "YOT_OFFICER")
                )
            at += timedelta(hours=rng.expovariate(1 / NOTE_EVERY_HOURS))
        # Actions arising, by hand.
        at = admitted + timedelta(days=rng.expovariate(1 / MANUAL_ACTION_EVERY_DAYS))
        while at < until:
            owner = yot if rng.random() < 0.5 else est
            self._action(
                w,
                staff,
                child,
                MANUAL,
                owner,
                at,
                at + timedelta(days=rng.randint(2, 14)),
                (None, None),
                title=rng.choice(MANUAL_TITLES),
            )
            at += timedelta(days=rng.expovariate(1 / MANUAL_ACTION_EVERY_DAYS))
        if rng.random() < self.flag_rate and hours > 48:
            self._flag(w, staff, child, est, yot, admitted, until)
        if looked_after and hours > 24 * 40:
            self._placement_reviews(w, staff, child, est, yot, admitted, until)

    def _flag(self, w, staff, child, est, yot, admitted, until) -> None:
        rng = self.rng
        opened = admitted + (until - admitted) * rng.uniform(0.05, 0.6)
        users = staff.users[est]
        by = rng.choice(users)
        reviews = []
        t = opened + timedelta(hours=rng.uniform(8, 24))
        for _ in range(rng.randint(1, 4)):
            if t >= until:
                break
            reviews.append(t)
            t += timedelta(days=rng.uniform(2, 10))
        # A flag still open when the child left was closed at a last review before they went.
        left = until < self.now
        if left and (not reviews or t < until or reviews[-1] >= until - timedelta(hours=2)):
            reviews = [r for r in reviews if r < until - timedelta(hours=2)]
            reviews.append(until - timedelta(hours=1))
        closes = bool(reviews) and (left or t < until)
        closed_at = reviews[-1] if closes else None
        ended_at = None
        if closed_at and closed_at + timedelta(days=7) < self.now:
            ended_at = closed_at + timedelta(days=7)
        if not closes:
            state = FlagState.OPEN
        else:
            state = FlagState.POST_CLOSURE_ENDED if ended_at else FlagState.CLOSED
        next_review = None if closes else (reviews[-1] if reviews else opened) + timedelta(days=5)
        risk = rng.choice(list(RiskLevel))
        watch = rng.choice(list(ObservationLevel)[1:5])
        flag = w.add(
            SelfHarmFlag,
            {
                "young_person_id": child,
                "state": state.name,
                "concern": "Said they wanted to hurt themselves after a difficult phone call.",
                "triggers": "Bad news from home; anniversaries.",
                "warning_signs": "Withdraws to cell, stops eating.",
                "risk_level": risk.name,
                "observation_level": watch.name,
                "opened_at": opened,
                "opened_by_id": by,
                "opened_establishment_id": est,
                "reviewed_establishment_id": est,
                "next_review_due": next_review,
                "immediate_action_plan": "Observations every 30 minutes; keyworker session.",
                "immediate_action_plan_at": opened + timedelta(minutes=40),
                "immediate_action_plan_by_id": by,
                "assessment_interview": "Spoke openly about home; agreed a care map.",
                "assessment_interview_at": opened + timedelta(hours=20),
                "assessment_interview_by_id": by,
                "closed_at": closed_at,
                "closed_by_id": by if closed_at else None,
                "post_closure_review": "Settled; no further concerns." if ended_at else None,
                "post_closure_review_at": ended_at,
                "post_closure_review_by_id": by if ended_at else None,
                "created_at": opened,
            },
        )
        for key, hours in (
            ("immediate_action_plan", 1),
            ("assessment_interview", 24),
            ("first_case_review", 24),
        ):
            self._action(
                w,
                staff,
                child,
                key,
                est,
                opened,
                opened + timedelta(hours=hours),
                ("self_harm_flag", flag),
            )
        for i, held in enumerate(reviews):
            last = i == len(reviews) - 1
            closing = closes and last
            review = w.add(
                CaseReview,
                {
                    "flag_id": flag,
                    "held_at": held,
                    "establishment_id": est,
                    "attendees": ["CHILD", "HEALTHCARE"],
                    "yot_attended": rng.random() < 0.6,
                    "outcome": "Reviewed the care map; observations adjusted.",
                    "previous_risk_level": risk.name,
                    "risk_level": risk.name,
                    "previous_observation_level": watch.name,
                    "observation_level": watch.name,
                    "closes_flag": closing,
                    "next_review_due": None if closing else held + timedelta(days=5),
                    "recorded_by_id": by,
                    "recorded_at": held + timedelta(hours=1),
                },
            )
            if not closing:
                self._action(
                    w,
                    staff,
                    child,
                    "next_case_review",
                    est,
                    held,
                    held + timedelta(days=5),
                    ("self_harm_case_review", review),
                )
        if closed_at:
            self._action(
                w,
                staff,
                child,
                "post_closure_review",
                est,
                closed_at,
                closed_at + timedelta(days=7),
                ("self_harm_flag", flag),
            )

    def _placement_reviews(self, w, staff, child, est, yot, admitted, until) -> None:
        rng = self.rng
        held = admitted + timedelta(days=28)
        while held < until:
            review = w.add(
                PlacementReview,
                {
                    "young_person_id": child,
                    "kind": ReviewKind.LAC_REVIEW.name,
                    "reason": None,
                    "establishment_id": est,
                    "held_at": held,
                    "attendees": "Child, social worker, YOT officer, keyworker",
                    "yot_attended": True,
                    "outcome": PlacementOutcome.REMAIN.name,
                    "summary": "Placement meets the child's needs; contact plan agreed.",
                    "due_at": held,
                    "next_review_due": held + timedelta(days=91),
                    "recorded_by_id": rng.choice(staff.users[est]),
                    "recorded_at": held + timedelta(hours=3),
                },
            )
            self._action(
                w,
                staff,
                child,
                "second_lac_review",
                yot,
                held,
                held + timedelta(days=91),
                ("placement_review", review),
            )
            held += timedelta(days=91)

    # -- actions and what lateness raised ------------------------------------------------
    def _action(
        self,
        w,
        staff,
        child,
        kind,
        owner,
        created,
        due,
        source,
        done_by=None,
        title=None,
        completed=None,
    ) -> None:
        """An action, closed at random unless ``completed`` says when it was met."""
        rng = self.rng
        rule = self.rules.get(kind)
        grace = timedelta(hours=12) if owner not in staff.area_yot.values() else timedelta(days=2)
        acpc_due = due + grace
        cancelled = None
        if completed is None and (due < self.now or rng.random() < 0.5):
            roll = rng.random()
            if roll < CANCELLED:
                cancelled = created + (due - created) * rng.random()
            elif roll < CANCELLED + ON_TIME:
                completed = created + (due - created) * rng.uniform(0.2, 1.0)
            else:
                completed = due + (acpc_due - due) * rng.uniform(0.2, 3.0)
        for end in (completed, cancelled):
            if end is not None and end > self.now:
                completed = cancelled = None
        by = done_by or rng.choice(staff.users[owner])
        action = w.add(
            WelfareAction,
            {
                "young_person_id": child,
                "kind": kind,
                "rule_id": rule["id"] if rule else None,
                "title": title or (rule["action_label"] if rule else kind),
                "source_type": source[0],
                "source_id": source[1],
                "owner_agency_id": owner,
                "due_at": due,
                "acpc_due_at": acpc_due,
                "created_at": created,
                "created_by_id": None if rule else by,
                "completed_at": completed,
                "completed_by_id": by if completed else None,
                "cancelled_at": cancelled,
                "cancelled_by_id": by if cancelled else None,
                "cancellation_reason": "No longer needed: the child moved." if cancelled else None,
            },
        )
        closed = completed or cancelled
        # What the scan (every 15 minutes) would have raised by now.
        seen = self.now - timedelta(minutes=15)
        for level, became_due, agency in (
            (EscalationLevel.AGENCY, due, owner),
            (EscalationLevel.ACPC, acpc_due, staff.area_acpc[self.area]),
        ):
            if became_due > seen or (closed and closed <= became_due):
                continue
            escalation = w.add(
                Escalation,
                {
                    "action_id": action,
                    "level": level.name,
                    "agency_id": agency,
                    "became_due_at": became_due,
                    "raised_at": became_due + timedelta(minutes=rng.uniform(0, 15)),
                    "resolved_at": closed,
                },
            )
            if level is EscalationLevel.ACPC and rng.random() < 0.6:
                w.add(
                    EscalationResponse,
                    {
                        "escalation_id": escalation,
                        "kind": rng.choice(list(ResponseKind)).name,
                        "requested_agency_id": None,
                        "note": "Discussed with the agency's manager.",
                        "responded_at": min(self.now, became_due + timedelta(days=2)),
                        "responded_by_id": rng.choice(staff.users[agency]),
                    },
                )

    # -- the audit trail ----------------------------------------------------------------
    def _audit(self, staff: Staff) -> None:
        conn = self.conn
        table = AuditEvent.__table__
        head = (
            conn.execute(
                sa.select(AuditChainHead.__table__).where(AuditChainHead.__table__.c.id == HEAD_ID)
            )
            .mappings()
            .first()
        )
        prev = head["hash"] if head else GENESIS_HASH
        count = head["event_count"] if head else 0
        last_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar()
        self.views.sort()
        batch: list[dict] = []
        for stamp, user, agency, child, role in self.views:
            if stamp >= self.now.timestamp():
                continue
            last_id += 1
            row = {
                "id": last_id,
                "occurred_at": datetime.fromtimestamp(stamp, UTC),
                "action": "child_viewed",
                "outcome": "ok",
                "user_id": user,
                "user_email": None,
                "role": role,
                "agency_id": agency,
                "young_person_id": child,
                "object_type": "young_person",
                "object_id": child,
                "remote_addr": "10.0.0.1",
                "path": f"/children/{child}",
                "prev_hash": prev,
            }
            content = event_content(row)
            row["hash"] = prev = chain_hash(prev, content)
            batch.append(row)
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                count += len(batch)
                self.counts.add("audit_event", len(batch))
                batch.clear()
        if batch:
            conn.execute(table.insert(), batch)
            count += len(batch)
            self.counts.add("audit_event", len(batch))
        head_table = AuditChainHead.__table__
        values = {"event_id": last_id or None, "hash": prev, "event_count": count}
        if head:
            conn.execute(head_table.update().where(head_table.c.id == HEAD_ID).values(**values))
        else:
            conn.execute(head_table.insert().values(id=HEAD_ID, **values))
        self.views.clear()

    def _reset_sequences(self) -> None:
        if self.conn.dialect.name != "postgresql":
            return
        # Rows went in with explicit ids: move each table's sequence past them. The names are
        # the models' own table names, never input.
        for model in [*Writer.ORDER, AuditEvent]:
            name = model.__tablename__
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {name}))"  # nosec B608
            )
            self.conn.execute(sa.text(statement))
