"""YOT welfare screenings: written section by section, submitted once, read by the establishment."""

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import (
    World,
    create_action,
    create_agency,
    create_child,
    create_placement,
    create_screening,
    create_user,
    sign_in,
)
from yoi_welfare import db
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import AgencyKind
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.people import services as people
from yoi_welfare.people.models import LeavingReason
from yoi_welfare.screenings import queries, services
from yoi_welfare.screenings.models import ScreeningRead, ScreeningStatus, WelfareScreening
from yoi_welfare.screenings.questions import SECTIONS
from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag

# Wednesday 25 November 2026, noon; UK clocks are on GMT, so UTC is London time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
BORN = date(2010, 3, 12)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.child = create_child(
        world.area, given_name="Jordan", family_name="Ellis", date_of_birth=BORN
    )
    world.placement = create_placement(world.child, world.yoi, admitted_at=NOW - timedelta(hours=3))
    return world


def page_text(response) -> str:
    return html.unescape(response.text)


def reload(screening_id: int) -> WelfareScreening:
    db.session().rollback()
    db.session().expire_all()
    return db.session().get(WelfareScreening, screening_id)


def audited(name: str) -> list[AuditEvent]:
    db.session().rollback()
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == name)).all())


def redirected_to(response) -> str:
    assert response.status_code in (302, 303), response.text
    return response.location


# Every section answered "no" (family contact needs who to contact).
ALL_NO = {
    "physical-health": {"physical_health_needs": "no"},
    "mental-health": {
        "mental_health_diagnosis": "no",
        "camhs_involvement": "no",
        "mental_health_medication": "no",
    },
    "self-harm": {"self_harm_ever": "no", "self_harm_recent": "no"},
    "substance-misuse": {"substance_misuse": "no"},
    "neurodisability": {"neurodisability": "no"},
    "care-status": {"looked_after": "no"},
    "child-protection": {"child_protection_plan": "no", "child_protection_concerns": "no"},
    "risks-from-others": {"bullying": "no", "exploitation": "no", "gang_association": "no"},
    "family-contact": {
        "family_contacts": "Mother, Jo Ellis, 07700 900123",
        "contact_restrictions": "no",
    },
    "first-time-in-custody": {"first_time_in_custody": "no"},
    "tonight": {"must_know_tonight": "no"},
}

# Every section answered "no", self-harm explaining why it drops what the service held.
EXPLAINED_NO = {
    **ALL_NO,
    "self-harm": {
        **ALL_NO["self-harm"],
        "self_harm_explanation": "The earlier screening was of his brother: recorded in error",
    },
}

# Each section answered "yes" with its details, and the columns that are then saved.
ALL_YES = {
    "physical-health": (
        {"physical_health_needs": "yes", "physical_health_detail": "Asthma: inhaler twice a day"},
        {"physical_health_needs": True, "physical_health_detail": "Asthma: inhaler twice a day"},
    ),
    "mental-health": (
        {
            "mental_health_diagnosis": "yes",
            "mental_health_diagnosis_detail": "Depression, diagnosed 2025",
            "camhs_involvement": "yes",
            "camhs_detail": "Northmoor CAMHS, Dr Patel",
            "mental_health_medication": "yes",
            "mental_health_medication_detail": "Sertraline 50mg each morning",
        },
        {
            "mental_health_diagnosis": True,
            "mental_health_diagnosis_detail": "Depression, diagnosed 2025",
            "camhs_involvement": True,
            "camhs_detail": "Northmoor CAMHS, Dr Patel",
            "mental_health_medication": True,
            "mental_health_medication_detail": "Sertraline 50mg each morning",
        },
    ),
    "self-harm": (
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms after court",
            "last_self_harm_on": ["1", "11", "2026"],
            "self_harm_what_helped": "Talking to his nan",
            "self_harm_recent": "yes",
            "self_harm_recent_detail": "Said he wanted to die after sentencing",
        },
        {
            "self_harm_ever": True,
            "self_harm_detail": "Cut arms after court",
            "last_self_harm_on": date(2026, 11, 1),
            "self_harm_what_helped": "Talking to his nan",
            "self_harm_recent": True,
            "self_harm_recent_detail": "Said he wanted to die after sentencing",
        },
    ),
    "substance-misuse": (
        {"substance_misuse": "yes", "substance_misuse_detail": "Cannabis daily"},
        {"substance_misuse": True, "substance_misuse_detail": "Cannabis daily"},
    ),
    "neurodisability": (
        {"neurodisability": "yes", "neurodisability_detail": "ADHD; short sentences help"},
        {"neurodisability": True, "neurodisability_detail": "ADHD; short sentences help"},
    ),
    "care-status": (
        {"looked_after": "yes", "looked_after_detail": "Section 20, Northmoor Council"},
        {"looked_after": True, "looked_after_detail": "Section 20, Northmoor Council"},
    ),
    "child-protection": (
        {
            "child_protection_plan": "yes",
            "child_protection_plan_detail": "Neglect",
            "child_protection_concerns": "no",
        },
        {
            "child_protection_plan": True,
            "child_protection_plan_detail": "Neglect",
            "child_protection_concerns": False,
            "child_protection_concerns_detail": None,
        },
    ),
    "risks-from-others": (
        {
            "bullying": "no",
            "exploitation": "yes",
            "exploitation_detail": "County lines",
            "gang_association": "yes",
            "gang_association_detail": "Keep apart from T. Smith",
        },
        {
            "bullying": False,
            "exploitation": True,
            "exploitation_detail": "County lines",
            "gang_association": True,
            "gang_association_detail": "Keep apart from T. Smith",
        },
    ),
    "family-contact": (
        {
            "family_contacts": "Nan, 07700 900456",
            "contact_restrictions": "yes",
            "contact_restrictions_detail": "Father: court order",
        },
        {
            "family_contacts": "Nan, 07700 900456",
            "contact_restrictions": True,
            "contact_restrictions_detail": "Father: court order",
        },
    ),
    "first-time-in-custody": (
        {"first_time_in_custody": "yes"},
        {"first_time_in_custody": True},
    ),
    "tonight": (
        {"must_know_tonight": "yes", "must_know_tonight_detail": "Frightened of the dark"},
        {"must_know_tonight": True, "must_know_tonight_detail": "Frightened of the dark"},
    ),
}


def start(client, child, **data) -> int:
    location = redirected_to(client.post(f"/children/{child.id}/screenings/new", data=data))
    return int(location.rsplit("/", 1)[1])


def post_section(client, screening_id: int, slug: str, data: dict, version: int | None = None):
    if version is None:
        version = reload(screening_id).version_id
    return client.post(
        f"/screenings/{screening_id}/sections/{slug}", data={**data, "version": str(version)}
    )


def answer_all(client, screening_id: int, answers: dict | None = None) -> None:
    for slug, data in (answers or ALL_NO).items():
        redirected_to(post_section(client, screening_id, slug, data))


def set_level(client, screening_id: int, level: str, reason: str = ""):
    version = reload(screening_id).version_id
    return client.post(
        f"/screenings/{screening_id}/level",
        data={"practitioner_level": level, "level_reason": reason, "version": str(version)},
    )


def submit(client, screening_id: int):
    version = reload(screening_id).version_id
    return client.post(f"/screenings/{screening_id}/check", data={"version": str(version)})


def complete_screening(client, child, answers=None, level="LOW", reason="") -> int:
    screening_id = start(client, child)
    answer_all(client, screening_id, answers)
    redirected_to(set_level(client, screening_id, level, reason))
    redirected_to(submit(client, screening_id))
    return screening_id


def snapshot(screening_id: int) -> dict:
    screening = reload(screening_id)
    return screening.model_dump()


# Starting and the task list


def test_an_officer_starts_a_screening_and_sees_the_task_list(client, world):
    sign_in(client, world.officer)
    child_page = client.get(f"/children/{world.child.id}").text
    assert "Start a welfare screening" in child_page

    screening_id = start(client, world.child)
    screening = reload(screening_id)
    assert screening.status is ScreeningStatus.DRAFT
    assert screening.created_by_id == world.officer.id
    assert [e.object_id for e in audited("welfare_screening_started")] == [screening_id]

    task_list = client.get(f"/screenings/{screening_id}")
    assert task_list.status_code == 200
    assert task_list.text.count("Not yet started") == len(SECTIONS) + 1  # and the level
    for section in SECTIONS:
        assert f"/screenings/{screening_id}/sections/{section.slug}" in task_list.text
    assert "Continue the draft screening" in client.get(f"/children/{world.child.id}").text


def test_a_child_has_one_draft_at_a_time(client, world):
    sign_in(client, world.officer)
    first = start(client, world.child)
    response = client.post(f"/children/{world.child.id}/screenings/new", data={})
    assert redirected_to(response) == f"/screenings/{first}"
    with pytest.raises(services.ScreeningError, match="already in progress"):
        services.start_screening(world.child, by=world.officer, now=NOW)
    count = db.session().exec(select(func.count()).select_from(WelfareScreening)).one()
    assert count == 1


def test_each_saved_section_shows_as_completed_and_leads_to_the_next(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    response = post_section(client, screening_id, "physical-health", ALL_NO["physical-health"])
    assert redirected_to(response) == f"/screenings/{screening_id}/sections/mental-health"
    task_list = client.get(f"/screenings/{screening_id}").text
    assert task_list.count("Not yet started") == len(SECTIONS)  # one section done
    answer_all(client, screening_id)
    # Every section done: on to the level, then back to the task list.
    last = post_section(client, screening_id, "tonight", ALL_NO["tonight"])
    assert redirected_to(last) == f"/screenings/{screening_id}/level"


# Each section, valid


@pytest.mark.parametrize("slug", list(ALL_YES))
def test_each_section_saves_yes_with_its_details(client, world, slug):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    data, saved = ALL_YES[slug]
    redirected_to(post_section(client, screening_id, slug, data))
    screening = reload(screening_id)
    assert {name: getattr(screening, name) for name in saved} == saved
    assert [e.detail for e in audited("welfare_screening_changed")] == [slug]
    # The form shows what was saved.
    page = page_text(client.get(f"/screenings/{screening_id}/sections/{slug}"))
    for value in data.values():
        if isinstance(value, str) and value not in ("yes", "no"):
            assert value in page


@pytest.mark.parametrize("slug", list(ALL_NO))
def test_each_section_saves_no(client, world, slug):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    redirected_to(post_section(client, screening_id, slug, ALL_NO[slug]))
    section = next(s for s in SECTIONS if s.slug == slug)
    assert section.is_complete(reload(screening_id))


def test_details_typed_before_changing_to_no_are_not_kept(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    data = {
        "self_harm_ever": "no",
        "self_harm_detail": "typed, then changed to no",
        "last_self_harm_on": ["40", "13", "2099"],
        "self_harm_recent": "no",
        "self_harm_recent_detail": "x" * 3000,
    }
    redirected_to(post_section(client, screening_id, "self-harm", data))
    screening = reload(screening_id)
    assert (screening.self_harm_ever, screening.self_harm_detail) == (False, None)
    assert (screening.last_self_harm_on, screening.self_harm_recent_detail) == (None, None)


def test_care_status_starts_from_the_childs_record(client, world):
    world.child.looked_after = True
    db.session().add(world.child)
    db.session().commit()
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    page = client.get(f"/screenings/{screening_id}/sections/care-status").text
    assert 'id="looked_after" name="looked_after" type="radio" value="yes" checked' in page


# Each section, invalid: a clear message, and nothing saved


SECTION_ERRORS = [
    ("physical-health", {}, "Select yes if the child has any physical health needs"),
    (
        "physical-health",
        {"physical_health_needs": "yes", "physical_health_detail": "   "},
        "Enter details of the child's physical health needs",
    ),
    ("physical-health", {"physical_health_needs": "maybe"}, "Select one of the options"),
    (
        "physical-health",
        {"physical_health_needs": "yes", "physical_health_detail": "x" * 2001},
        "Details of the child's physical health needs must be 2000 characters or fewer",
    ),
    (
        "mental-health",
        {
            "mental_health_diagnosis": "no",
            "camhs_involvement": "yes",
            "mental_health_medication": "no",
        },
        "Enter details of the CAMHS involvement",
    ),
    (
        "mental-health",
        {"mental_health_diagnosis": "no", "camhs_involvement": "no"},
        "Select yes if the child takes medication for their mental health",
    ),
    (
        "self-harm",
        {"self_harm_ever": "yes", "self_harm_detail": "Cut arms", "self_harm_recent": "no"},
        "Enter the date of the last incident",
    ),
    (
        "self-harm",
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms",
            "last_self_harm_on": ["26", "11", "2026"],
            "self_harm_recent": "yes",
            "self_harm_recent_detail": "x",
        },
        "Date of the last incident must be today or in the past",
    ),
    (
        "self-harm",
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms",
            "last_self_harm_on": ["11", "3", "2010"],
            "self_harm_recent": "no",
        },
        "Date of the last incident must be on or after the child's date of birth, 12 March 2010",
    ),
    (
        "self-harm",
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms",
            "last_self_harm_on": ["31", "2", "2026"],
            "self_harm_recent": "no",
        },
        "Date of the last incident must be a real date",
    ),
    (
        "self-harm",
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms",
            "last_self_harm_on": ["", "2", "2026"],
            "self_harm_recent": "no",
        },
        "Date of the last incident must include a day, month and year",
    ),
    (
        "self-harm",
        {
            "self_harm_ever": "yes",
            "self_harm_detail": "Cut arms",
            "last_self_harm_on": ["1", "10", "2026"],
            "self_harm_recent": "no",
        },
        "Select yes: the last incident, on 1 October 2026, was in the last 3 months",
    ),
    (
        "self-harm",
        {"self_harm_ever": "no", "self_harm_recent": "yes"},
        "Enter details of what happened recently",
    ),
    ("substance-misuse", {"substance_misuse": "yes"}, "Enter details of the substance misuse"),
    (
        "neurodisability",
        {"neurodisability": "yes"},
        "Enter details of the neurodisability or learning need",
    ),
    ("care-status", {"looked_after": "yes"}, "Enter details of the child's care status"),
    (
        "child-protection",
        {"child_protection_plan": "yes", "child_protection_concerns": "no"},
        "Enter details of the child protection plan",
    ),
    (
        "child-protection",
        {"child_protection_plan": "no"},
        "Select yes if there are any other child protection concerns",
    ),
    (
        "risks-from-others",
        {"bullying": "yes", "exploitation": "no", "gang_association": "no"},
        "Enter details of the risk of bullying",
    ),
    (
        "risks-from-others",
        {"bullying": "no", "exploitation": "yes", "gang_association": "no"},
        "Enter details of the exploitation concern",
    ),
    (
        "risks-from-others",
        {"bullying": "no", "exploitation": "no", "gang_association": "yes"},
        "Enter details of the gang association",
    ),
    (
        "family-contact",
        {"family_contacts": "  ", "contact_restrictions": "no"},
        "Enter who the establishment should contact about the child",
    ),
    (
        "family-contact",
        {"family_contacts": "x" * 2001, "contact_restrictions": "no"},
        "Who to contact must be 2000 characters or fewer",
    ),
    (
        "family-contact",
        {"family_contacts": "Nan", "contact_restrictions": "yes"},
        "Enter details of who the child must not contact",
    ),
    (
        "first-time-in-custody",
        {},
        "Select yes if this is the child's first time in custody",
    ),
    ("tonight", {"must_know_tonight": "yes"}, "Enter details of what the establishment must know"),
]


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    SECTION_ERRORS,
    ids=[f"{slug}: {message}" for slug, _data, message in SECTION_ERRORS],
)
def test_each_section_refuses_bad_answers_and_saves_nothing(client, world, slug, data, message):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    before = snapshot(screening_id)
    response = post_section(client, screening_id, slug, data)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "There is a problem" in text
    assert snapshot(screening_id) == before
    assert audited("welfare_screening_changed") == []


def test_an_unknown_section_is_not_found(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    assert client.get(f"/screenings/{screening_id}/sections/hobbies").status_code == 404


# The level


def test_the_level_page_shows_the_indicated_level_and_why(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answers = {**ALL_NO, "self-harm": ALL_YES["self-harm"][0]}
    answer_all(client, screening_id, answers)
    screening = reload(screening_id)
    assert screening.indicated_level is Level.VERY_HIGH
    page = page_text(client.get(f"/screenings/{screening_id}/level"))
    assert "The last self-harm incident was in the last 28 days" in page
    assert "Very high" in page


def open_flag(world, opened_at=datetime(2026, 5, 8, 9, 0, tzinfo=UTC)):
    db.session().add(
        SelfHarmFlag(
            young_person_id=world.child.id,
            opened_at=opened_at,
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
            concern="Found with a ligature",
            risk_level=RiskLevel.HIGH,
            observation_level=ObservationLevel.CONSTANT_WATCH,
        )
    )
    db.session().commit()


def test_a_later_screening_answering_no_keeps_the_level_the_record_shows(client, world):
    # An earlier screening recorded self-harm last month; the new one answers "no" throughout.
    create_screening(
        world.child,
        world.officer,
        submitted_at=NOW - timedelta(days=60),
        self_harm_ever=True,
        last_self_harm_on=date(2026, 10, 1),
        indicated_level=Level.VERY_HIGH,
    )
    sign_in(client, world.officer)
    screening_id = start(client, world.child, copy_last="no")
    answer_all(client, screening_id, EXPLAINED_NO)
    screening = reload(screening_id)
    assert screening.indicated_level is Level.HIGH
    page = page_text(client.get(f"/screenings/{screening_id}/level"))
    assert (
        "An earlier screening held here recorded self-harm or a suicide attempt in the last "
        "3 months"
    ) in page

    # A self-harm flag open in this service counts too, whatever the answers say.
    open_flag(world, opened_at=NOW - timedelta(hours=1))
    answer_all(client, screening_id, EXPLAINED_NO)
    assert "A self-harm flag recorded in this service is open" in page_text(
        client.get(f"/screenings/{screening_id}/level")
    )


# History that cannot silently vanish


def earlier_self_harm(world, **fields):
    """A screening submitted in September recording cutting and a wish to die."""
    return create_screening(
        world.child,
        world.officer,
        submitted_at=datetime(2026, 9, 20, 10, 0, tzinfo=UTC),
        self_harm_ever=True,
        self_harm_detail="Cut arms; said he wished he was dead",
        last_self_harm_on=date(2026, 9, 1),
        indicated_level=Level.HIGH,
        **fields,
    )


def test_answering_never_self_harmed_after_an_earlier_screening_said_so_must_be_explained(
    client, world
):
    earlier = earlier_self_harm(world)
    sign_in(client, world.officer)
    screening_id = start(client, world.child, copy_last="no")
    page = page_text(client.get(f"/screenings/{screening_id}/sections/self-harm"))
    held = " ".join(BeautifulSoup(page, "html5lib").find(id="earlier-answers").get_text().split())
    assert (
        "Ever self-harmed or attempted suicide: Yes. Details: Cut arms; said he wished he was "
        "dead. Date of the last incident: 1 September 2026 (the screening submitted "
        "20 September 2026)"
    ) in held
    before = snapshot(screening_id)

    response = post_section(client, screening_id, "self-harm", ALL_NO["self-harm"])
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert (
        "Explain why you answered no to ‘Ever self-harmed or attempted suicide’: the service "
        "already holds a yes"
    ) in text
    assert 'href="#self_harm_explanation"' in response.text
    # The answers given are kept in the form.
    soup = BeautifulSoup(response.text, "html5lib")
    assert soup.find("input", {"name": "self_harm_ever", "value": "no"}).has_attr("checked")
    assert snapshot(screening_id) == before

    explained = "Spoke to his mother and GP: the earlier screening was of his brother"
    redirected_to(
        post_section(
            client,
            screening_id,
            "self-harm",
            {**ALL_NO["self-harm"], "self_harm_explanation": explained},
        )
    )
    assert reload(screening_id).self_harm_explanation == explained
    answer_all(client, screening_id, {k: v for k, v in ALL_NO.items() if k != "self-harm"})

    # Check your answers shows the earlier answer beside the new one, and why.
    check = BeautifulSoup(client.get(f"/screenings/{screening_id}/check").text, "html5lib")
    earlier_shown = [" ".join(p.get_text().split()) for p in check.select(".app-earlier-answer")]
    assert earlier_shown == [
        "Earlier: Yes. Details: Cut arms; said he wished he was dead. Date of the last "
        "incident: 1 September 2026 (the screening submitted 20 September 2026, read it)"
    ]
    assert check.find("a", string="read it")["href"] == f"/screenings/{earlier.id}"
    assert explained in check.get_text()

    # The level still counts the earlier self-harm, and says why.
    screening = reload(screening_id)
    assert screening.indicated_level is Level.HIGH
    assert (
        "An earlier screening held here recorded self-harm or a suicide attempt in the last "
        "3 months"
    ) in screening.indicated_reasons
    redirected_to(set_level(client, screening_id, "HIGH"))
    redirected_to(submit(client, screening_id))

    # The establishment reads the new screening with the earlier answer beside it.
    sign_in(client, world.staff)
    shown = " ".join(
        BeautifulSoup(client.get(f"/screenings/{screening_id}").text, "html5lib").get_text().split()
    )
    assert "Earlier: Yes. Details: Cut arms; said he wished he was dead" in shown
    assert "Why the answers differ from what the service held" in shown
    assert explained in shown


def test_a_self_harm_flag_recorded_here_counts_as_history_too(client, world):
    open_flag(world)
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    response = post_section(client, screening_id, "self-harm", ALL_NO["self-harm"])
    text = page_text(response)
    assert (
        "Explain why you answered no to ‘Ever self-harmed or attempted suicide’ and "
        "‘Self-harm or talk of suicide in the last 3 months’: the service already holds a yes"
    ) in text
    assert "A self-harm flag, open (recorded in this service, opened 8 May 2026)" in text


def test_any_risk_answer_dropped_must_be_explained(client, world):
    create_screening(
        world.child,
        world.officer,
        submitted_at=NOW - timedelta(days=30),
        exploitation=True,
        exploitation_detail="County lines",
    )
    sign_in(client, world.officer)
    screening_id = start(client, world.child, copy_last="no")
    response = post_section(client, screening_id, "risks-from-others", ALL_NO["risks-from-others"])
    assert "Explain why you answered no to ‘Exploitation’" in page_text(response)
    redirected_to(
        post_section(
            client,
            screening_id,
            "risks-from-others",
            {**ALL_NO["risks-from-others"], "risks_from_others_explanation": "Moved away"},
        )
    )
    # Answers that drop nothing need no explanation, and keep none.
    redirected_to(post_section(client, screening_id, "self-harm", ALL_NO["self-harm"]))
    redirected_to(
        post_section(
            client,
            screening_id,
            "risks-from-others",
            {
                **ALL_YES["risks-from-others"][0],
                "risks_from_others_explanation": "Left over from before",
            },
        )
    )
    assert reload(screening_id).risks_from_others_explanation is None


def test_recent_self_harm_long_ago_is_not_recent_now(client, world):
    # Recent in January 2026 is not "in the last 3 months" in November.
    create_screening(
        world.child,
        world.officer,
        submitted_at=datetime(2026, 1, 10, tzinfo=UTC),
        self_harm_ever=True,
        self_harm_detail="Cut arms",
        last_self_harm_on=date(2026, 1, 2),
        self_harm_recent=True,
        self_harm_recent_detail="Cut arms",
    )
    sign_in(client, world.officer)
    screening_id = start(client, world.child, copy_last="no")
    redirected_to(
        post_section(
            client,
            screening_id,
            "self-harm",
            {
                **ALL_YES["self-harm"][0],
                "last_self_harm_on": ["2", "1", "2026"],
                "self_harm_recent": "no",
            },
        )
    )


def test_a_flag_opened_after_the_section_was_saved_stops_submission(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answer_all(client, screening_id)
    redirected_to(set_level(client, screening_id, "LOW"))
    open_flag(world, opened_at=NOW - timedelta(minutes=5))
    response = submit(client, screening_id)
    assert response.status_code == 200
    text = page_text(response)
    assert "Explain the answers that differ from what the service holds: Self-harm and suicide" in (
        text
    )
    assert reload(screening_id).is_draft


def test_a_level_different_from_the_indicated_one_needs_a_reason(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answer_all(client, screening_id)
    assert reload(screening_id).indicated_level is Level.LOW
    before = snapshot(screening_id)

    response = set_level(client, screening_id, "HIGH", "   ")
    assert response.status_code == 200
    assert "Enter why your level is different from the indicated level" in page_text(response)
    assert snapshot(screening_id) == before

    response = set_level(client, screening_id, "HIGH", "Told his nan he cannot cope")
    assert redirected_to(response) == f"/screenings/{screening_id}"
    screening = reload(screening_id)
    assert screening.practitioner_level is Level.HIGH
    assert screening.level_reason == "Told his nan he cannot cope"


def test_the_level_matching_the_indicated_one_needs_no_reason(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answer_all(client, screening_id)
    redirected_to(set_level(client, screening_id, "LOW"))
    assert reload(screening_id).practitioner_level is Level.LOW
    response = set_level(client, screening_id, "")
    assert "Select the safety and wellbeing level" in page_text(response)


def test_answers_changed_after_the_level_must_be_confirmed_again(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answer_all(client, screening_id)
    redirected_to(set_level(client, screening_id, "LOW"))
    redirected_to(
        post_section(client, screening_id, "risks-from-others", ALL_YES["risks-from-others"][0])
    )
    assert reload(screening_id).indicated_level is Level.HIGH
    before = snapshot(screening_id)
    response = submit(client, screening_id)
    assert response.status_code == 200
    assert "The indicated level is now high: confirm your level" in page_text(response)
    assert snapshot(screening_id) == before


# Two officers, one draft


def test_a_second_officer_saving_a_stale_form_is_told_and_overwrites_nothing(app, world):
    colleague = create_user(world.yot, name="Colin Colleague")
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.officer)
    sign_in(second, colleague)
    screening_id = start(first, world.child)
    read_at = reload(screening_id).version_id  # both open the section now

    saved = post_section(first, screening_id, "substance-misuse", ALL_YES["substance-misuse"][0])
    redirected_to(saved)
    response = post_section(
        second, screening_id, "substance-misuse", {"substance_misuse": "no"}, version=read_at
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "This screening changed while you were editing" in text
    assert "Cannabis daily" in text  # the form now shows the saved answers
    screening = reload(screening_id)
    assert (screening.substance_misuse, screening.substance_misuse_detail) == (
        True,
        "Cannabis daily",
    )


def test_the_lock_holds_between_reading_and_writing_too(world):
    screening = services.start_screening(world.child, by=world.officer, now=NOW)
    db.session().commit()
    with db.engine().begin() as connection:
        connection.execute(
            sa.update(WelfareScreening.__table__)
            .where(WelfareScreening.__table__.c.id == screening.id)
            .values(version_id=WelfareScreening.__table__.c.version_id + 1)
        )
    section = SECTIONS[0]
    with pytest.raises(services.StaleScreeningError):
        services.save_section(
            screening,
            section,
            {"physical_health_needs": False, "physical_health_detail": None},
            version=screening.version_id,
            by=world.officer,
            now=NOW,
        )


# Check your answers and submit


def test_check_your_answers_lists_what_is_missing_and_refuses_to_submit(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    post_section(client, screening_id, "physical-health", ALL_NO["physical-health"])
    page = page_text(client.get(f"/screenings/{screening_id}/check"))
    assert "You cannot submit the screening yet" in page
    assert "Complete the section: Mental health" in page
    assert "Select the safety and wellbeing level" in page
    before = snapshot(screening_id)
    response = submit(client, screening_id)
    assert response.status_code == 200
    assert snapshot(screening_id) == before
    assert audited("welfare_screening_submitted") == []


def test_check_your_answers_shows_every_answer_with_change_links(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    answers = {**ALL_NO, "tonight": ALL_YES["tonight"][0]}
    answer_all(client, screening_id, answers)
    set_level(client, screening_id, "MEDIUM", "New to custody, very quiet")
    page = page_text(client.get(f"/screenings/{screening_id}/check"))
    assert "Frightened of the dark" in page
    assert "Mother, Jo Ellis, 07700 900123" in page
    assert f"/screenings/{screening_id}/sections/tonight#must_know_tonight_detail" in page
    assert "Submit the screening" in page


def test_submitting_completes_the_due_action_and_reaches_the_establishment(client, world):
    (due,) = [
        a
        for a in actions.on_event(
            "child_admitted", child=world.child, source=world.placement, at=NOW, by=None
        )
        if a.kind == "welfare_screening_due"
    ]
    db.session().commit()
    sign_in(client, world.officer)
    answers = {**ALL_NO, "tonight": ALL_YES["tonight"][0]}
    screening_id = complete_screening(client, world.child, answers, "MEDIUM", "Very quiet")

    screening = reload(screening_id)
    assert screening.status is ScreeningStatus.SUBMITTED
    assert (screening.submitted_at, screening.submitted_by_id) == (NOW, world.officer.id)
    completed = db.session().get(WelfareAction, due.id)
    assert completed.completed_at == NOW
    assert completed.completed_by_id == world.officer.id
    assert [e.object_id for e in audited("welfare_screening_submitted")] == [screening_id]

    staff = client.application.test_client()
    sign_in(staff, world.staff)
    home = page_text(staff.get("/"))
    assert "New screenings to read" in home
    unread = home.split('id="unread-screenings"', 1)[1]
    assert "Jordan Ellis" in unread
    assert "Medium" in unread
    assert "Frightened of the dark" in unread


def test_opening_it_records_the_read_and_it_leaves_the_list(app, client, world):
    screening = create_screening(world.child, world.officer, submitted_at=NOW)
    staff = app.test_client()
    sign_in(staff, world.staff)
    assert BeautifulSoup(staff.get("/").text, "html5lib").find(id="unread-screenings")

    page = page_text(staff.get(f"/screenings/{screening.id}"))
    assert "Welfare screening for Jordan Ellis" in page
    reads = db.session().exec(select(ScreeningRead)).all()
    assert [(r.screening_id, r.agency_id, r.read_by_id, r.read_at) for r in reads] == [
        (screening.id, world.yoi.id, world.staff.id, NOW)
    ]
    assert len(audited("welfare_screening_read")) == 1
    assert not BeautifulSoup(staff.get("/").text, "html5lib").find(id="unread-screenings")
    assert "No new screenings" in staff.get("/").text

    # A colleague opening it again is a view, not another first read.
    colleague = app.test_client()
    sign_in(colleague, create_user(world.yoi))
    colleague.get(f"/screenings/{screening.id}")
    assert db.session().exec(select(func.count()).select_from(ScreeningRead)).one() == 1
    assert len(audited("welfare_screening_viewed")) == 2
    assert "Ashgrove YOI: Wing Officer" in page_text(client_for(app, world.officer, screening))


# The establishment's deadline to read it


def reading_actions(child) -> list[WelfareAction]:
    db.session().expire_all()
    return list(
        db.session().exec(
            select(WelfareAction)
            .where(
                WelfareAction.young_person_id == child.id,
                WelfareAction.kind == "welfare_screening_read",
            )
            .order_by(WelfareAction.id)
        )
    )


def test_a_screening_submitted_while_the_child_is_held_must_be_read_within_hours(app, world):
    officer = app.test_client()
    sign_in(officer, world.officer)
    screening_id = complete_screening(officer, world.child)
    (reading,) = reading_actions(world.child)
    assert (reading.owner_agency_id, reading.source_id) == (world.yoi.id, screening_id)
    assert reading.title == "Read the YOT's welfare screening"
    assert queries.dao_actions_arising(reload(screening_id)) == []  # not something it found
    assert (reading.due_at, reading.acpc_due_at) == (
        NOW + timedelta(hours=4),
        NOW + timedelta(hours=16),
    )
    staff = app.test_client()
    sign_in(staff, world.staff)
    assert "Read the YOT's welfare screening" in page_text(staff.get(f"/children/{world.child.id}"))

    # Unread at the deadline, it is raised to the establishment's managers like any other.
    from yoi_welfare.escalations.services import scan

    raised = scan(NOW + timedelta(hours=5))
    db.session().commit()
    assert raised.raised_agency == 1

    with time_machine.travel(NOW + timedelta(hours=6), tick=False):
        later = app.test_client()
        sign_in(later, world.staff)
        assert later.get(f"/screenings/{screening_id}").status_code == 200
    (reading,) = reading_actions(world.child)
    assert reading.completed_at == NOW + timedelta(hours=6)
    assert reading.completed_by_id == world.staff.id


def test_a_screening_to_read_tonight_is_emailed_to_the_establishments_managers(app, world):
    from yoi_welfare.outbox.models import OutboundEmail

    manager = create_user(world.yoi, is_manager=True, email="m@ashgrove.example.org")
    officer = app.test_client()
    sign_in(officer, world.officer)
    complete_screening(officer, world.child)  # nothing for tonight, low level: no email
    assert db.session().exec(select(func.count()).select_from(OutboundEmail)).one() == 0

    answers = {**ALL_NO, "tonight": ALL_YES["tonight"][0]}
    screening_id = start(officer, world.child, copy_last="no")
    answer_all(officer, screening_id, answers)
    redirected_to(set_level(officer, screening_id, "LOW"))
    redirected_to(submit(officer, screening_id))
    (email,) = db.session().exec(select(OutboundEmail)).all()
    assert email.to_address == manager.email
    assert email.subject == "A YOT welfare screening to read tonight: JE " + (
        world.child.local_reference
    )
    assert "says what you must know tonight" in email.body_text
    assert f"/screenings/{screening_id}" in email.body_text
    assert "Jordan" not in email.body_text


def test_opening_an_older_screening_does_not_meet_the_deadline_of_the_new_one(app, world):
    older = create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=2))
    officer = app.test_client()
    sign_in(officer, world.officer)
    screening_id = start(officer, world.child, copy_last="no")
    answer_all(officer, screening_id)
    redirected_to(set_level(officer, screening_id, "LOW"))
    redirected_to(submit(officer, screening_id))
    staff = app.test_client()
    sign_in(staff, world.staff)
    staff.get(f"/screenings/{older.id}")
    (reading,) = reading_actions(world.child)
    assert reading.is_open


def test_an_admission_with_a_recent_screening_makes_reading_it_due(world):
    child = create_child(world.area, given_name="Remy", family_name="Stone")
    screening = create_screening(child, world.officer, submitted_at=NOW - timedelta(days=2))
    people.admit(world.staff, child, world.yoi, when=NOW, now=NOW)
    db.session().commit()
    (reading,) = reading_actions(child)
    assert (reading.owner_agency_id, reading.source_id, reading.due_at) == (
        world.yoi.id,
        screening.id,
        NOW + timedelta(hours=4),
    )


def test_a_transfer_hands_the_unread_screening_on_unless_it_was_read_there_before(app, world):
    officer = app.test_client()
    sign_in(officer, world.officer)
    screening_id = complete_screening(officer, world.child)
    # Cedar Lodge read this screening on an earlier stay of the child's.
    db.session().add(
        ScreeningRead(
            screening_id=screening_id,
            agency_id=world.other_yoi.id,
            read_by_id=world.other_staff.id,
            read_at=NOW - timedelta(hours=1),
        )
    )
    db.session().commit()
    people.transfer(world.staff, world.child, world.other_yoi, NOW, NOW)
    db.session().commit()
    (reading,) = reading_actions(world.child)
    assert reading.owner_agency_id == world.other_yoi.id
    assert reading.completed_at == NOW and reading.completion_note == "Read here on an earlier stay"


def test_a_transfer_after_the_screening_was_read_gives_the_receiving_establishment_its_own(
    app, world
):
    from yoi_welfare.outbox.models import OutboundEmail

    create_user(world.other_yoi, is_manager=True, email="m@cedar.example.org")
    officer = app.test_client()
    sign_in(officer, world.officer)
    answers = {**ALL_NO, "tonight": ALL_YES["tonight"][0]}
    screening_id = complete_screening(officer, world.child, answers)
    staff = app.test_client()
    sign_in(staff, world.staff)
    staff.get(f"/screenings/{screening_id}")  # Ashgrove reads it: its deadline is met
    later = NOW + timedelta(hours=1)
    people.transfer(world.staff, world.child, world.other_yoi, later, later)
    db.session().commit()
    first, second = reading_actions(world.child)
    assert (first.owner_agency_id, first.completed_at) == (world.yoi.id, NOW)
    assert (second.owner_agency_id, second.completed_at) == (world.other_yoi.id, None)
    assert second.due_at == later + timedelta(hours=4)
    to_cedar = (
        db.session()
        .exec(select(OutboundEmail).where(OutboundEmail.to_address == "m@cedar.example.org"))
        .all()
    )
    assert len(to_cedar) == 1


def test_an_unread_screening_moved_by_a_transfer_is_for_tonight_at_the_new_place_too(app, world):
    from yoi_welfare.outbox.models import OutboundEmail

    create_user(world.other_yoi, is_manager=True, email="m@cedar.example.org")
    officer = app.test_client()
    sign_in(officer, world.officer)
    complete_screening(officer, world.child, {**ALL_NO, "tonight": ALL_YES["tonight"][0]})
    people.transfer(world.staff, world.child, world.other_yoi, NOW, NOW)
    db.session().commit()
    (reading,) = reading_actions(world.child)
    assert reading.owner_agency_id == world.other_yoi.id and reading.is_open
    assert db.session().exec(
        select(OutboundEmail.to_address).where(OutboundEmail.to_address == "m@cedar.example.org")
    ).all() == ["m@cedar.example.org"]


def client_for(app, user, screening):
    client = app.test_client()
    sign_in(client, user)
    return client.get(f"/screenings/{screening.id}")


def test_a_different_establishment_neither_lists_nor_reads_it(app, world):
    screening = create_screening(world.child, world.officer, submitted_at=NOW)
    other = app.test_client()
    sign_in(other, world.other_staff)
    assert f"/screenings/{screening.id}" not in other.get("/").text
    assert other.get(f"/screenings/{screening.id}").status_code == 404
    assert [e.object_id for e in audited("access_denied")] == [screening.id]
    assert db.session().exec(select(func.count()).select_from(ScreeningRead)).one() == 0


def test_a_transferred_child_brings_the_latest_screening_to_the_new_establishment(app, world):
    older = create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=5))
    latest = create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=1))
    world.placement.left_at = NOW - timedelta(hours=1)
    world.placement.leaving_reason = LeavingReason.TRANSFER
    db.session().add(world.placement)
    db.session().commit()
    create_placement(world.child, world.other_yoi, admitted_at=NOW - timedelta(hours=1))
    receiving = app.test_client()
    sign_in(receiving, world.other_staff)
    home = receiving.get("/").text
    assert f"/screenings/{latest.id}" in home
    assert f"/screenings/{older.id}" not in home
    # The establishment that held the child reads its screenings, but lists none as new.
    previous = app.test_client()
    sign_in(previous, world.staff)
    assert "No new screenings" in previous.get("/").text
    assert previous.get(f"/screenings/{latest.id}").status_code == 200


# A submitted screening does not change


def test_a_submitted_screening_cannot_be_changed(client, world):
    sign_in(client, world.officer)
    screening_id = complete_screening(client, world.child)
    before = snapshot(screening_id)
    actions_before = db.session().exec(select(func.count()).select_from(WelfareAction)).one()
    version = str(before["version_id"])
    attempts = [
        (f"/screenings/{screening_id}/sections/{slug}", {**data, "version": version})
        for slug, (data, _saved) in ALL_YES.items()
    ]
    attempts += [
        (
            f"/screenings/{screening_id}/level",
            {"practitioner_level": "HIGH", "level_reason": "x", "version": version},
        ),
        (f"/screenings/{screening_id}/check", {"version": version}),
        (f"/screenings/{screening_id}/discard", {"reason": "WRONG_CHILD", "version": version}),
        (
            f"/screenings/{screening_id}/actions",
            {
                "title": "Visit",
                "owner": str(world.yot.id),
                "due_date": ["30", "11", "2026"],
                "due_time": "10:00",
            },
        ),
    ]
    for url, data in attempts:
        response = client.post(url, data=data)
        assert redirected_to(response) == f"/screenings/{screening_id}", url
    shown = page_text(client.get(f"/screenings/{screening_id}"))
    assert "This screening has been submitted, so it cannot be changed" in shown
    assert snapshot(screening_id) == before
    assert db.session().exec(select(func.count()).select_from(WelfareAction)).one() == (
        actions_before
    )
    assert len(audited("welfare_screening_submitted")) == 1


def test_the_services_refuse_a_submitted_screening_too(world):
    screening = create_screening(world.child, world.officer, submitted_at=NOW)
    with pytest.raises(services.SubmittedScreeningError):
        services.save_section(
            screening,
            SECTIONS[0],
            {"physical_health_needs": True},
            version=screening.version_id,
            by=world.officer,
            now=NOW,
        )
    with pytest.raises(services.SubmittedScreeningError):
        services.submit(
            screening, world.child, version=screening.version_id, by=world.officer, now=NOW
        )


# A new screening and what changed


def test_a_new_screening_can_start_from_the_last_and_shows_what_changed(client, world):
    sign_in(client, world.officer)
    answers = {**ALL_NO, "tonight": ALL_YES["tonight"][0]}
    first_id = complete_screening(client, world.child, answers)
    first_page = page_text(client.get(f"/screenings/{first_id}"))
    assert "This is the child's first submitted screening" in first_page

    start_page = page_text(client.get(f"/children/{world.child.id}/screenings/new"))
    assert "Do you want to start from the answers of the last screening?" in start_page
    second_id = start(client, world.child, copy_last="yes")
    second = reload(second_id)
    assert second.copied_from_id == first_id
    assert second.family_contacts == "Mother, Jo Ellis, 07700 900123"
    assert (second.must_know_tonight, second.practitioner_level) == (None, None)
    assert "started from the answers of the screening submitted" in page_text(
        client.get(f"/screenings/{second_id}")
    )

    redirected_to(
        post_section(client, second_id, "substance-misuse", ALL_YES["substance-misuse"][0])
    )
    redirected_to(post_section(client, second_id, "tonight", ALL_NO["tonight"]))
    redirected_to(set_level(client, second_id, "MEDIUM"))
    redirected_to(submit(client, second_id))

    page = client.get(f"/screenings/{second_id}").text
    rows = page.split('id="changes-table"', 1)[1].split("</table>", 1)[0]
    cells = [
        " ".join(html.unescape(cell.split(">", 1)[1].split("</")[0]).split())
        for cell in rows.split("<td")[1:]
    ]
    assert cells == [
        "No",
        "Yes",
        "Not answered",
        "Cannabis daily",
        "Yes",
        "No",
        "Frightened of the dark",
        "Not answered",
        "Low",
        "Medium",
        "Low",
        "Medium",
    ]
    assert "Substance misuse: details" in html.unescape(rows)


def test_starting_afresh_copies_nothing(client, world):
    create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=3))
    sign_in(client, world.officer)
    screening_id = start(client, world.child, copy_last="no")
    screening = reload(screening_id)
    assert screening.copied_from_id is None
    assert screening.family_contacts is None
    response = client.post(f"/children/{world.child.id}/screenings/new", data={})
    assert response.status_code in (302, 303)  # the draft exists: on to it


def test_the_start_page_asks_about_copying_only_when_there_is_a_screening_to_copy(client, world):
    sign_in(client, world.officer)
    page = page_text(client.get(f"/children/{world.child.id}/screenings/new"))
    assert "start from the answers" not in page
    create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=3))
    response = client.post(f"/children/{world.child.id}/screenings/new", data={})
    assert response.status_code == 200
    assert "Select yes to start from the answers of the last screening" in page_text(response)


# Actions arising


def add_arising(client, screening_id: int, title: str, owner) -> WelfareAction:
    response = client.post(
        f"/screenings/{screening_id}/actions",
        data={
            "title": title,
            "owner": str(owner.id),
            "due_date": ["27", "11", "2026"],
            "due_time": "17:00",
        },
    )
    assert redirected_to(response) == f"/screenings/{screening_id}/actions"
    return db.session().exec(select(WelfareAction).where(WelfareAction.title == title)).one()


def test_actions_arising_become_welfare_actions_owned_by_the_yot_or_the_establishment(
    client, world
):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    page = page_text(client.get(f"/screenings/{screening_id}/actions"))
    assert "Northmoor YOT" in page and "Ashgrove YOI" in page
    for title, owner in (("Book CAMHS in-reach", world.yoi), ("Call his nan", world.yot)):
        add_arising(client, screening_id, title, owner)
    made = db.session().exec(select(WelfareAction).order_by(WelfareAction.id)).all()
    assert [(a.title, a.owner_agency_id, a.source_type, a.source_id, a.kind) for a in made] == [
        ("Book CAMHS in-reach", world.yoi.id, "welfare_screening", screening_id, "manual"),
        ("Call his nan", world.yot.id, "welfare_screening", screening_id, "manual"),
    ]
    assert made[0].due_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert "2 added" in client.get(f"/screenings/{screening_id}").text


# Discarding a draft


def discard(client, screening_id: int, reason: str, version: int | None = None):
    if version is None:
        version = reload(screening_id).version_id
    return client.post(
        f"/screenings/{screening_id}/discard", data={"reason": reason, "version": str(version)}
    )


def test_a_draft_started_by_mistake_is_discarded_and_a_new_one_can_start(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    redirected_to(post_section(client, screening_id, "physical-health", ALL_NO["physical-health"]))
    booked = add_arising(client, screening_id, "Book CAMHS in-reach", world.yoi)
    done = add_arising(client, screening_id, "Call his nan", world.yot)
    actions.complete_action(done, by=world.officer, at=NOW)
    db.session().commit()
    assert f"/screenings/{screening_id}/discard" in client.get(f"/screenings/{screening_id}").text

    page = page_text(client.get(f"/screenings/{screening_id}/discard"))
    assert "Discard this draft screening?" in page
    assert "1 open action arising from it will be cancelled" in page
    assert "Book CAMHS in-reach" in page and "Call his nan" not in page

    refused = discard(client, screening_id, "")
    assert refused.status_code == 200
    assert "Select why you are discarding the draft" in page_text(refused)
    assert reload(screening_id) is not None

    response = discard(client, screening_id, "WRONG_CHILD")
    assert redirected_to(response) == f"/children/{world.child.id}"
    child_page = page_text(client.get(response.location))
    assert (
        "Draft welfare screening for Jordan Ellis discarded. 1 action arising from it cancelled"
        in child_page
    )
    assert "Start a welfare screening" in child_page
    assert "Continue the draft screening" not in child_page
    assert reload(screening_id) is None
    assert redirected_to(client.get(f"/screenings/{screening_id}")) == f"/children/{world.child.id}"

    booked, done = (db.session().get(WelfareAction, a.id) for a in (booked, done))
    assert booked.cancelled_at == NOW and booked.cancellation_reason == (
        "The draft welfare screening it arose from was discarded on 25 November 2026"
    )
    assert done.completed_at == NOW and done.cancelled_at is None
    assert {(a.source_type, a.source_id) for a in (booked, done)} == {(None, None)}
    (event,) = audited("welfare_screening_discarded")
    assert (event.object_id, event.user_id, event.detail) == (
        screening_id,
        world.officer.id,
        "It was started for the wrong child",
    )
    assert start(client, world.child) != 0


def test_a_discard_from_a_page_read_before_a_save_is_refused(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    read_at = reload(screening_id).version_id
    redirected_to(post_section(client, screening_id, "physical-health", ALL_NO["physical-health"]))
    response = discard(client, screening_id, "NO_LONGER_NEEDED", version=read_at)
    assert response.status_code == 200
    assert "This screening changed while you were editing" in page_text(response)
    assert reload(screening_id) is not None
    assert audited("welfare_screening_discarded") == []


def test_a_colleague_coming_back_to_a_discarded_draft_is_told_who_discarded_it(app, world):
    colleague = create_user(world.yot, name="Priya Shah")
    writer, discarder = app.test_client(), app.test_client()
    sign_in(writer, world.officer)
    sign_in(discarder, colleague)
    screening_id = start(writer, world.child)
    read_at = reload(screening_id).version_id
    redirected_to(discard(discarder, screening_id, "STARTED_TOO_EARLY"))

    for response in (
        writer.get(f"/screenings/{screening_id}"),
        post_section(writer, screening_id, "physical-health", ALL_NO["physical-health"], read_at),
    ):
        assert redirected_to(response) == f"/children/{world.child.id}"
    told = page_text(writer.get(f"/children/{world.child.id}"))
    assert (
        "This draft screening was discarded 25 November 2026 at 12pm by Priya Shah. "
        "It was started too early"
    ) in told
    assert audited("access_denied") == []

    # Someone who could never have seen the draft is refused as before.
    stranger = app.test_client()
    sign_in(stranger, world.other_officer)
    assert stranger.get(f"/screenings/{screening_id}").status_code == 404
    assert len(audited("access_denied")) == 1


def test_only_the_childs_yot_may_discard_a_draft(app, client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    version = reload(screening_id).version_id
    for user, status in ((world.staff, 403), (world.other_officer, 404)):
        other = app.test_client()
        sign_in(other, user)
        response = discard(other, screening_id, "WRONG_CHILD", version=version)
        assert response.status_code == status, user.email
    assert reload(screening_id) is not None


def test_an_action_arising_for_an_agency_not_holding_the_child_is_refused(client, world):
    sign_in(client, world.officer)
    screening_id = start(client, world.child)
    response = client.post(
        f"/screenings/{screening_id}/actions",
        data={
            "title": "Visit",
            "owner": str(world.other_yoi.id),
            "due_date": ["27", "11", "2026"],
            "due_time": "17:00",
        },
    )
    assert response.status_code == 200
    assert "Select one of the options" in page_text(response)
    assert db.session().exec(select(func.count()).select_from(WelfareAction)).one() == 0


# Who sees what


def test_an_officer_of_another_area_gets_not_found_and_is_audited(client, world):
    draft = create_screening(world.child, world.officer)
    sign_in(client, world.other_officer)
    assert client.get(f"/children/{world.child.id}/screenings/new").status_code == 404
    assert client.post(f"/children/{world.child.id}/screenings/new").status_code == 404
    response = post_section(client, draft.id, "physical-health", {"physical_health_needs": "yes"})
    assert response.status_code == 404
    assert client.get(f"/screenings/{draft.id}").status_code == 404
    assert len(audited("access_denied")) == 4
    assert db.session().exec(select(func.count()).select_from(WelfareScreening)).one() == 1


def test_a_draft_is_seen_only_by_the_yot(app, world):
    draft = create_screening(world.child, world.officer)
    submitted = create_screening(world.child, world.officer, submitted_at=NOW)
    for user in (world.staff, world.acpc_member):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(f"/screenings/{draft.id}").status_code == 404
        assert client.get(f"/screenings/{submitted.id}").status_code == 200
        child_page = client.get(f"/children/{world.child.id}").text
        assert f"/screenings/{submitted.id}" in child_page
        assert f"/screenings/{draft.id}" not in child_page
        assert "Start a welfare screening" not in child_page
        # Reading is not writing.
        assert client.get(f"/screenings/{draft.id}/check").status_code == 403


def test_an_acpc_member_reads_without_recording_an_establishment_read(app, world):
    submitted = create_screening(world.child, world.officer, submitted_at=NOW)
    client = app.test_client()
    sign_in(client, world.acpc_member)
    assert client.get(f"/screenings/{submitted.id}").status_code == 200
    assert db.session().exec(select(func.count()).select_from(ScreeningRead)).one() == 0
    assert len(audited("welfare_screening_viewed")) == 1


def test_the_childs_page_lists_every_screening_newest_first(client, world):
    older = create_screening(world.child, world.officer, submitted_at=NOW - timedelta(days=9))
    newer = create_screening(
        world.child,
        world.officer,
        submitted_at=NOW - timedelta(days=2),
        indicated_level=Level.HIGH,
        practitioner_level=Level.VERY_HIGH,
    )
    draft = create_screening(world.child, world.officer)
    sign_in(client, world.officer)
    page = client.get(f"/children/{world.child.id}").text
    table = page.split('id="screenings"', 1)[1].split("</table>", 1)[0]
    positions = [table.index(f"/screenings/{s.id}") for s in (draft, newer, older)]
    assert positions == sorted(positions)
    assert "Very high" in table
    assert "Continue the draft screening" in page


# Chronology


def test_the_chronology_shows_submissions_and_reads_in_order_and_filters_them(app, world):
    screening = create_screening(world.child, world.officer, submitted_at=NOW - timedelta(hours=2))
    create_action(world.child, world.yot, title="Call nan", created_at=NOW - timedelta(hours=1))
    staff = app.test_client()
    sign_in(staff, world.staff)
    staff.get(f"/screenings/{screening.id}")  # read now
    page = staff.get(f"/children/{world.child.id}").text
    entries = page.split('id="chronology-entries"', 1)[1]
    titles = [
        " ".join(html.unescape(part.split("</h3>", 1)[0]).split())
        for part in entries.split('<h3 class="moj-timeline__title">')[1:]
    ]
    titles = [t.split(">", 1)[1].split("<", 1)[0] if t.startswith("<a") else t for t in titles]
    assert titles == [
        "Welfare screening read by Ashgrove YOI",
        "Action set: Call nan",
        "Welfare screening submitted",
        "Admitted to Ashgrove YOI",
    ]
    filtered = staff.get(f"/children/{world.child.id}?kind=screening").text
    only = filtered.split('id="chronology-entries"', 1)[1]
    assert only.count('data-kind="screening"') == 2
    assert 'data-kind="action"' not in only and 'data-kind="placement"' not in only
    assert '<option value="screening" selected>Welfare screenings</option>' in filtered


# The YOT caseload


def caseload_world(world, count: int):
    establishments = [world.yoi, world.other_yoi]
    children = [world.child]
    for n in range(count - 1):
        child = create_child(world.area, given_name="Kid", family_name=f"Case{n:03d}")
        create_placement(child, establishments[n % 2], admitted_at=NOW - timedelta(days=n + 1))
        create_screening(
            child,
            world.officer,
            submitted_at=NOW - timedelta(days=1),
            indicated_level=list(Level)[n % 4],
        )
        create_action(child, world.yot, due_at=NOW - timedelta(hours=n + 1))
        children.append(child)
    return children


def caseload_rows(response) -> list[list[str]]:
    """Each caseload row's cells, as text."""
    table = BeautifulSoup(response.text, "html5lib").find(id="children-held")
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    ]


def caseload_names(response) -> list[str]:
    """Each row's child, family name only."""
    return [row[0].split()[1] for row in caseload_rows(response)]


def test_the_caseload_lists_the_areas_children_in_custody_with_level_and_overdue(client, world):
    lee = create_child(world.area, given_name="Lee", family_name="Adams")
    create_placement(lee, world.other_yoi, admitted_at=NOW - timedelta(days=4))
    create_screening(
        lee,
        world.officer,
        submitted_at=NOW - timedelta(days=3),
        indicated_level=Level.MEDIUM,
    )
    create_screening(
        lee,
        world.officer,
        submitted_at=NOW - timedelta(days=1),
        indicated_level=Level.HIGH,
        practitioner_level=Level.VERY_HIGH,
    )
    create_action(lee, world.yot, due_at=NOW - timedelta(days=1))
    create_action(lee, world.other_yoi, due_at=NOW - timedelta(hours=1))
    create_action(lee, world.yot, due_at=NOW + timedelta(days=1))  # not yet due
    create_action(lee, world.yot, due_at=NOW - timedelta(days=2), completed_at=NOW)
    released = create_child(world.area, given_name="Gone", family_name="Home")
    create_placement(released, world.yoi, admitted_at=NOW - timedelta(days=9), left_at=NOW)
    elsewhere = create_child(world.other_area, given_name="Not", family_name="Ours")
    create_placement(elsewhere, world.yoi)
    db.session().add(
        SelfHarmFlag(
            young_person_id=lee.id,
            opened_at=NOW - timedelta(hours=5),
            opened_by_id=world.other_staff.id,
            opened_establishment_id=world.other_yoi.id,
            reviewed_establishment_id=world.other_yoi.id,
            concern="Said he would hurt himself",
            risk_level=RiskLevel.RAISED,
            observation_level=list(ObservationLevel)[0],
        )
    )
    db.session().commit()

    sign_in(client, world.officer)
    response = client.get("/")
    # Most urgent first: Lee is on an open flag at raised risk.
    lee_row, jordan_row = caseload_rows(response)
    assert lee_row[0] == f"Lee Adams {lee.local_reference}"
    assert lee_row[1:4] == ["Cedar Lodge STC since 21 November 2026", "No alerts", "Very high"]
    assert lee_row[4] == "Raised risk Observations: standard"
    assert lee_row[6] == "2 overdue"
    assert jordan_row == [
        f"Jordan Ellis {world.child.local_reference}",
        "Ashgrove YOI since 25 November 2026",
        "No alerts",
        "No screening",
        "None",
        "None",
        "0",
    ]
    assert "Most urgent first" in response.text


@pytest.mark.parametrize(
    ("query", "expected", "aria"),
    [
        # Most urgent first: each CaseNNN has one overdue action, so the highest level first.
        ("", ["Case003", "Case002", "Case001", "Case000", "Ellis"], None),
        (
            "?sort=name",
            ["Case000", "Case001", "Case002", "Case003", "Ellis"],
            ("name", "ascending"),
        ),
        (
            "?sort=name&order=descending",
            ["Ellis", "Case003", "Case002", "Case001", "Case000"],
            ("name", "descending"),
        ),
        # Very high first; Jordan Ellis, never screened, last.
        (
            "?sort=level",
            ["Case003", "Case002", "Case001", "Case000", "Ellis"],
            ("level", "descending"),
        ),
        (
            "?sort=level&order=ascending",
            ["Ellis", "Case000", "Case001", "Case002", "Case003"],
            ("level", "ascending"),
        ),
        # Case003's action is the oldest overdue... each child has one: ties go by name.
        (
            "?sort=overdue",
            ["Case000", "Case001", "Case002", "Case003", "Ellis"],
            ("overdue", "descending"),
        ),
        (
            "?sort=establishment",
            ["Case000", "Case002", "Ellis", "Case001", "Case003"],
            ("establishment", "ascending"),
        ),
        (
            "?sort=nonsense&order=sideways",
            ["Case003", "Case002", "Case001", "Case000", "Ellis"],
            None,
        ),
    ],
)
def test_the_caseload_sorts_by_each_column(client, world, query, expected, aria):
    caseload_world(world, 5)
    sign_in(client, world.officer)
    response = client.get(f"/{query}")
    assert caseload_names(response) == expected
    if aria is None:
        assert response.text.count('aria-sort="none"') == 4
        return
    column, order = aria
    header = response.text.split(f"sort={column}", 1)[0].rsplit("<th", 1)[1]
    assert f'aria-sort="{order}"' in header
    assert response.text.count('aria-sort="none"') == 3


def statements_for(client, path: str) -> int:
    """How many SQL statements one request for the page issues."""
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine(), "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(db.engine(), "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_the_caseload_is_a_fixed_number_of_queries_however_long(app, client, world):
    sign_in(client, world.officer)

    def statements_for_home_page() -> int:
        return statements_for(client, "/")

    caseload_world(world, 3)
    small = statements_for_home_page()
    more = World.__new__(World)
    more.__dict__.update(world.__dict__)
    more.child = create_child(world.area)
    create_placement(more.child, world.yoi)
    caseload_world(more, 28)
    response = client.get("/")
    assert len(caseload_names(response)) == 25  # a page of them
    assert "children of your area in custody now (31)" in response.text
    assert len(caseload_names(client.get("/?page=2"))) == 6
    assert statements_for_home_page() == small


# Demo data


def test_demo_data_has_screenings_made_by_the_rules(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    session = db.session()
    statuses = session.exec(select(WelfareScreening.status)).all()
    assert statuses.count(ScreeningStatus.DRAFT) == 1
    assert statuses.count(ScreeningStatus.SUBMITTED) >= 4
    submitted = session.exec(
        select(WelfareScreening).where(WelfareScreening.status == ScreeningStatus.SUBMITTED)
    ).all()
    assert all(s.practitioner_level is not None and s.indicated_level for s in submitted)
    unread = [
        s
        for s in submitted
        if not session.exec(select(ScreeningRead).where(ScreeningRead.screening_id == s.id)).first()
    ]
    assert len(unread) >= 2
    again = app.test_cli_runner().invoke(args=["demo-data"])
    assert again.exit_code == 0
    db.session().rollback()
    assert len(db.session().exec(select(WelfareScreening)).all()) == len(statuses)


def test_no_extra_agency_is_needed_to_own_actions_for_an_unheld_child(client, world):
    """A child not in custody: actions arising can be owned by the YOT only."""
    create_agency(AgencyKind.YOT, world.area, "Northmoor South YOT")
    free = create_child(world.area, given_name="Free", family_name="Child")
    sign_in(client, world.officer)
    screening_id = start(client, free)
    page = page_text(client.get(f"/screenings/{screening_id}/actions"))
    assert "Northmoor South YOT" in page and "Ashgrove YOI" not in page


def test_every_question_has_its_column_and_every_answer_column_its_question():
    columns = set(WelfareScreening.__table__.columns.keys())
    asked = [name for section in SECTIONS for name in section.columns()]
    assert len(asked) == len(set(asked))
    assert set(asked) <= columns
    bookkeeping = {
        "id",
        "young_person_id",
        "status",
        "copied_from_id",
        "created_at",
        "created_by_id",
        "updated_at",
        "updated_by_id",
        "submitted_at",
        "submitted_by_id",
        "version_id",
        "indicated_level",
        "indicated_reasons",
        "practitioner_level",
        "level_reason",
    }
    explanations = {section.explanation for section in SECTIONS} - {None}
    assert explanations <= columns
    assert columns - set(asked) - explanations == bookkeeping


def test_welfare_text_is_shown_as_text_and_kept_out_of_the_audit_trail(client, world):
    sign_in(client, world.officer)
    answers = {
        **ALL_NO,
        "tonight": {"must_know_tonight": "yes", "must_know_tonight_detail": "<b>Bold</b>\nline 2"},
    }
    screening_id = complete_screening(client, world.child, answers)
    page = client.get(f"/screenings/{screening_id}").text
    assert "&lt;b&gt;Bold&lt;/b&gt;<br>line 2" in page
    assert "<b>Bold</b>" not in page
    details = {event.detail for event in audited("welfare_screening_changed")}
    assert details == {section.slug for section in SECTIONS} | {"level"}


def _open_screening_due(child) -> list[WelfareAction]:
    return list(
        db.session().exec(
            select(WelfareAction).where(
                WelfareAction.young_person_id == child.id,
                WelfareAction.kind == "welfare_screening_due",
            )
        )
    )


def test_a_screening_submitted_before_admission_meets_the_admissions_due_action(client, world):

    child = create_child(world.area, given_name="Remy", family_name="Stone")
    sign_in(client, world.officer)
    complete_screening(client, child, ALL_NO, "LOW")

    people.admit(world.staff, child, world.yoi, when=NOW, now=NOW)
    db.session().commit()

    (due,) = _open_screening_due(child)
    assert due.completed_at == NOW
    assert due.completion_note == "Welfare screening submitted before admission"


@pytest.mark.parametrize(("days_before", "meets"), [(27, True), (29, False), (700, False)])
def test_only_a_recent_screening_meets_a_first_admission(world, days_before, meets):
    child = create_child(world.area, given_name="Remy", family_name="Stone")
    create_screening(child, world.officer, submitted_at=NOW - timedelta(days=days_before))
    people.admit(world.staff, child, world.yoi, when=NOW, now=NOW)
    db.session().commit()
    (due,) = _open_screening_due(child)
    # An older screening does not stop the YOT being chased for a new one.
    assert due.is_open is not meets


def test_a_screening_from_an_earlier_custody_episode_does_not_meet_a_new_admission(world):

    child = create_child(world.area, given_name="Remy", family_name="Stone")
    create_screening(child, world.officer, submitted_at=NOW - timedelta(days=60))
    create_placement(
        child,
        world.yoi,
        admitted_at=NOW - timedelta(days=59),
        left_at=NOW - timedelta(days=10),
        leaving_reason=LeavingReason.RELEASE,
    )

    people.admit(world.staff, child, world.yoi, when=NOW, now=NOW)
    db.session().commit()

    (due,) = _open_screening_due(child)
    assert due.is_open
