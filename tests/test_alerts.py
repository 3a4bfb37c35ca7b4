"""Standing alerts: raised and ended by each record behind them and by hand, shown on every page
about the child, and obeying the access policy."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_child, create_placement, sign_in
from tests.test_screenings import ALL_NO, answer_all, complete_screening, set_level, start, submit
from tests.test_self_harm import open_flag, open_form, record_review, release, review_form
from yoi_welfare import db
from yoi_welfare.alerts.models import Alert, AlertCode
from yoi_welfare.alerts.queries import active_alerts_for
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.screenings.questions import SECTIONS_BY_SLUG
from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    world = World()
    world.child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    create_placement(world.child, world.yoi, admitted_at=NOW - timedelta(days=3))
    return world


def as_user(app, user):
    """A client of its own, signed in as ``user``."""
    client = app.test_client()
    sign_in(client, user)
    return client


def alerts_of(child) -> list[Alert]:
    db.session().rollback()
    db.session().expire_all()
    return list(
        db.session().exec(select(Alert).where(Alert.young_person_id == child.id).order_by(Alert.id))
    )


def active_codes(child) -> list[AlertCode]:
    return [a.code for a in alerts_of(child) if a.is_active]


def banner_text(page: str) -> str | None:
    banner = BeautifulSoup(page, "html5lib").select_one("#alerts")
    return " ".join(banner.get_text().split()) if banner else None


def errors(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [" ".join(a.get_text().split()) for a in soup.select(".govuk-error-summary__list a")]


# A self-harm flag


def test_an_open_flag_raises_an_alert_that_follows_its_levels_and_ends_when_it_closes(
    client, world
):
    child = world.child
    sign_in(client, world.staff)
    client.post(f"/children/{child.id}/self-harm-flags/new", data=open_form())
    (alert,) = alerts_of(child)
    flag = db.session().exec(select(SelfHarmFlag)).one()
    assert alert.code is AlertCode.SELF_HARM
    assert alert.description == "Open self-harm flag: raised risk, observations every 30 minutes"
    assert (alert.source_type, alert.source_id) == ("self_harm_flag", flag.id)
    assert (alert.raised_by_id, alert.active_from) == (world.staff.id, flag.opened_at)

    response = client.post(f"/self-harm-flags/{flag.id}/case-reviews/new", data=review_form(flag))
    assert response.status_code in (302, 303), response.text
    (alert,) = alerts_of(child)
    assert alert.is_active
    assert alert.description == "Open self-harm flag: high risk, observations every 15 minutes"

    # It cannot be ended by hand while the flag is open.
    page = client.post(
        f"/alerts/{alert.id}/end", data={"version_id": alert.version_id, "reason": "Feels better"}
    ).text
    assert "This alert ends when the self-harm flag is closed at a case review" in page
    assert alerts_of(child)[0].is_active

    record_review(
        world,
        flag,
        held_at=NOW - timedelta(minutes=10),
        risk_level=RiskLevel.RAISED,
        observation_level=ObservationLevel.HOURLY,
        close=False,
        next_review_due=NOW + timedelta(days=1),
    )
    assert alerts_of(child)[0].description == (
        "Open self-harm flag: raised risk, observations at least hourly"
    )
    record_review(world, flag, held_at=NOW - timedelta(minutes=5))
    (alert,) = alerts_of(child)
    assert alert.active_to == NOW - timedelta(minutes=5)
    assert alert.ended_by_id == world.staff.id
    assert alert.end_reason == "The self-harm flag was closed"


def test_a_flag_ended_on_release_ends_its_alert(client, world):
    open_flag(world, world.child, opened_at=NOW - timedelta(hours=3))
    sign_in(client, world.staff)
    release(client, world.child)
    (alert,) = alerts_of(world.child)
    assert alert.active_to == datetime(2026, 11, 25, 11, 50, tzinfo=UTC)
    assert alert.end_reason == "The self-harm flag ended when the child was released"


# A welfare screening

EVERYTHING = {
    **ALL_NO,
    "physical-health": {
        "physical_health_needs": "yes",
        "physical_health_detail": "Peanut allergy: adrenaline pen in reception",
    },
    "mental-health": {
        "mental_health_diagnosis": "yes",
        "mental_health_diagnosis_detail": "Depression",
        "camhs_involvement": "no",
        "mental_health_medication": "yes",
        "mental_health_medication_detail": "Sertraline 50mg each morning",
    },
    "child-protection": {
        "child_protection_plan": "no",
        "child_protection_concerns": "yes",
        "child_protection_concerns_detail": "Older cousin grooming him",
    },
    "risks-from-others": {
        "bullying": "no",
        "exploitation": "yes",
        "exploitation_detail": "County lines",
        "gang_association": "yes",
        "gang_association_detail": "Keep apart from T. Smith",
    },
    "family-contact": {
        "family_contacts": "Nan, 07700 900456",
        "contact_restrictions": "yes",
        "contact_restrictions_detail": "Father: court order",
    },
    "tonight": {
        "must_know_tonight": "yes",
        "must_know_tonight_detail": "Said he would kill himself tonight: constant watch",
    },
}


def test_a_screening_raises_an_alert_for_each_thing_it_names(app, client, world):
    sign_in(client, world.officer)
    screening_id = complete_screening(
        client, world.child, EVERYTHING, level="VERY_HIGH", reason="Said so tonight"
    )
    alerts = {a.code: a for a in alerts_of(world.child)}
    assert set(alerts) == {
        AlertCode.TONIGHT,
        AlertCode.WELFARE_LEVEL,
        AlertCode.HEALTH,
        AlertCode.MEDICATION,
        AlertCode.MENTAL_HEALTH,
        AlertCode.NO_CONTACT,
        AlertCode.KEEP_APART,
        AlertCode.SAFEGUARDING,
        AlertCode.EXPLOITATION,
    }
    assert alerts[AlertCode.HEALTH].description == "Peanut allergy: adrenaline pen in reception"
    assert (
        alerts[AlertCode.NO_CONTACT].description
        == "Must not have contact with: Father: court order"
    )
    assert alerts[AlertCode.WELFARE_LEVEL].description == (
        "Welfare screening level very high: Said so tonight"
    )
    assert {(a.source_type, a.source_id, a.raised_by_id) for a in alerts.values()} == {
        ("welfare_screening", screening_id, world.officer.id)
    }

    # Everyone who sees the child reads them at the top of the child's pages.
    staff = as_user(app, world.staff)
    for path in (
        f"/children/{world.child.id}",
        f"/children/{world.child.id}/notes",
        f"/children/{world.child.id}/notes/new",
        f"/children/{world.child.id}/self-harm-flags/new",
        f"/children/{world.child.id}/alerts",
        f"/screenings/{screening_id}",
    ):
        text = banner_text(staff.get(path).text)
        assert text and "Said he would kill himself tonight: constant watch" in text, path
        assert "Peanut allergy" in text, path
    # The most urgent first.
    assert [a.code for a in active_alerts_for([world.child.id])[world.child.id]][:2] == [
        AlertCode.TONIGHT,
        AlertCode.WELFARE_LEVEL,
    ]


def test_a_later_screening_replaces_the_alerts_of_the_one_before(app, client, world):
    sign_in(client, world.officer)
    complete_screening(client, world.child, EVERYTHING, level="HIGH", reason="Tonight")
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        # A day later: the session has ended.
        client = as_user(app, world.officer)
        second = start(client, world.child, copy_last="no")
        # Each "no" that drops an earlier "yes" says why.
        answer_all(
            client,
            second,
            {
                slug: {
                    **data,
                    **(
                        {section.explanation: "No longer the case"}
                        if (section := SECTIONS_BY_SLUG[slug]).explanation
                        else {}
                    ),
                }
                for slug, data in ALL_NO.items()
            },
        )
        set_level(client, second, "LOW")
        submit(client, second)
    alerts = alerts_of(world.child)
    assert alerts and not any(a.is_active for a in alerts)
    assert {a.end_reason for a in alerts} == {
        "Replaced by the welfare screening submitted on 26 November 2026"
    }
    assert {a.ended_by_id for a in alerts} == {world.officer.id}
    assert second


def test_a_screenings_alert_is_ended_by_hand_with_a_reason(app, client, world):
    sign_in(client, world.officer)
    complete_screening(client, world.child, {**ALL_NO, "tonight": EVERYTHING["tonight"]})
    (alert,) = alerts_of(world.child)
    client = as_user(app, world.staff)
    end = f"/alerts/{alert.id}/end"
    page = client.post(end, data={"version_id": alert.version_id, "reason": " "}).text
    assert errors(page) == ["Enter why the alert is ending"]
    response = client.post(
        end, data={"version_id": alert.version_id, "reason": "First night passed safely"}
    )
    assert response.status_code in (302, 303), response.text
    (alert,) = alerts_of(world.child)
    assert (alert.active_to, alert.ended_by_id, alert.end_reason) == (
        NOW,
        world.staff.id,
        "First night passed safely",
    )
    assert banner_text(client.get(f"/children/{world.child.id}").text) is None
    # Ending it again is refused: it changed since the form was read.
    page = client.post(end, data={"version_id": "1", "reason": "Again"}).text
    assert "This alert changed while you were looking at it" in page


# The child's details


def test_a_child_protection_plan_and_looked_after_status_raise_alerts_until_they_change(app, world):
    from yoi_welfare.people import services as people

    child = world.child
    people.change_child(
        world.officer,
        child,
        seen=people.details_fingerprint(child),
        looked_after=True,
        child_protection_plan=True,
    )
    db.session().commit()
    assert sorted(active_codes(child)) == sorted(
        [AlertCode.LOOKED_AFTER, AlertCode.CHILD_PROTECTION_PLAN]
    )
    child = db.session().get(type(child), child.id)
    people.change_child(
        world.officer, child, seen=people.details_fingerprint(child), child_protection_plan=False
    )
    db.session().commit()
    assert active_codes(child) == [AlertCode.LOOKED_AFTER]
    ended = [a for a in alerts_of(child) if not a.is_active]
    assert [(a.code, a.ended_by_id, a.end_reason) for a in ended] == [
        (
            AlertCode.CHILD_PROTECTION_PLAN,
            world.officer.id,
            "The child's details no longer record it",
        )
    ]


# By hand


def test_the_yot_and_the_holding_establishment_raise_alerts_by_hand(app, world):
    for user in (world.officer, world.staff):
        client = as_user(app, user)
        path = f"/children/{world.child.id}/alerts/new"
        page = client.post(path, data={"code": "", "description": ""}).text
        assert errors(page) == ["Select what the alert is about", "Enter what people must know"]
        response = client.post(
            path, data={"code": "HEALTH", "description": f"Epilepsy ({user.name})"}
        )
        assert response.status_code in (302, 303), response.text
    alerts = alerts_of(world.child)
    assert [(a.code, a.raised_by_id, a.source_type) for a in alerts] == [
        (AlertCode.HEALTH, world.officer.id, None),
        (AlertCode.HEALTH, world.staff.id, None),
    ]
    assert [
        e.object_id
        for e in db.session().exec(select(AuditEvent).where(AuditEvent.action == "alert_raised"))
    ] == [a.id for a in alerts]
    page = client.get(f"/children/{world.child.id}/alerts").text
    assert "Epilepsy (Olive Officer)" in page and "by hand" in page


def test_who_may_not_write_about_the_child_raises_no_alert_and_sees_none_of_theirs(app, world):
    client = as_user(app, world.officer)
    client.post(
        f"/children/{world.child.id}/alerts/new",
        data={"code": "OTHER", "description": "Speaks only Welsh when upset"},
    )
    (alert,) = alerts_of(world.child)
    for user in (world.acpc_member, world.other_staff):
        # The ACPC and an establishment that does not hold the child do not write.
        client = as_user(app, user)
        assert client.get(f"/children/{world.child.id}/alerts/new").status_code == 404
        assert client.get(f"/alerts/{alert.id}/end").status_code == 404
    client = as_user(app, world.acpc_member)
    assert "Speaks only Welsh" in banner_text(client.get(f"/children/{world.child.id}").text)
    # An officer of another area sees neither the child nor the alert.
    client = as_user(app, world.other_officer)
    assert client.get(f"/children/{world.child.id}/alerts").status_code == 404
    assert client.get(f"/alerts/{alert.id}/end").status_code == 404
    assert alerts_of(world.child)[0].is_active


def test_a_former_establishment_reads_but_cannot_end_an_alert(app, world):
    other = create_child(world.area)
    create_placement(
        other, world.other_yoi, admitted_at=NOW - timedelta(days=9), left_at=NOW - timedelta(days=2)
    )
    as_user(app, world.officer).post(
        f"/children/{other.id}/alerts/new", data={"code": "OTHER", "description": "Stammers"}
    )
    (alert,) = alerts_of(other)
    client = as_user(app, world.other_staff)
    assert "Stammers" in banner_text(client.get(f"/children/{other.id}").text)
    assert client.post(f"/alerts/{alert.id}/end", data={"reason": "r"}).status_code == 404
    assert alerts_of(other)[0].is_active


def test_records_made_before_alerts_existed_raise_theirs_once(app, world):
    from tests.factories import create_screening
    from yoi_welfare.alerts.services import sync_existing
    from yoi_welfare.cli import alerts_sync

    child = world.child
    child.child_protection_plan = True
    child.created_by_id = world.officer.id
    db.session().add(child)
    create_screening(
        child,
        world.officer,
        submitted_at=NOW - timedelta(days=1),
        must_know_tonight=True,
        must_know_tonight_detail="Scared of the dark",
    )
    db.session().add(
        SelfHarmFlag(
            young_person_id=child.id,
            concern="Cuts",
            risk_level=RiskLevel.HIGH,
            observation_level=ObservationLevel.CONSTANT_WATCH,
            opened_at=NOW - timedelta(hours=2),
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
        )
    )
    db.session().commit()
    result = app.test_cli_runner().invoke(alerts_sync)
    assert result.exit_code == 0, result.output
    sync_existing(NOW)
    db.session().commit()
    assert sorted(active_codes(child)) == sorted(
        [AlertCode.SELF_HARM, AlertCode.TONIGHT, AlertCode.CHILD_PROTECTION_PLAN]
    )
    assert len(alerts_of(child)) == 3


# Where alerts go beyond the banner


def test_alerts_raised_and_ended_are_in_the_chronology_the_print_and_subject_access(app, world):
    from yoi_welfare.governance import subject_access
    from yoi_welfare.governance.retention import _delete_records

    client = as_user(app, world.officer)
    client.post(
        f"/children/{world.child.id}/alerts/new",
        data={"code": "NO_CONTACT", "description": "No contact with his uncle, Dan Ellis"},
    )
    (alert,) = alerts_of(world.child)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        client.post(
            f"/alerts/{alert.id}/end",
            data={"version_id": alert.version_id, "reason": "Order discharged"},
        )
        page = client.get(f"/children/{world.child.id}", query_string={"kind": "alert"}).text
        printed = client.get(f"/children/{world.child.id}/print").text
    soup = BeautifulSoup(page, "html5lib")
    titles = [h3.get_text(strip=True) for h3 in soup.select("#chronology-entries h3")]
    assert titles == ["Alert ended: No contact", "Alert raised: No contact"]
    assert "Order discharged" in page
    assert "Alert raised: No contact" in printed and "Alert ended: No contact" in printed

    document = subject_access.gather(world.child, "The child's mother", NOW)
    (section,) = [s for s in document.sections if s.key == "alerts"]
    (record,) = section.records
    assert record.fields["description"] == "No contact with his uncle, Dan Ellis"
    assert record.fields["end_reason"] == "Order discharged"
    assert record.fields["raised_by_name"] == "Olive Officer"
    assert "description" in record.review_before_release

    # Deleting the child's records at the end of retention deletes their alerts too.
    counts = _delete_records(world.child.id)
    assert counts["alert"] == 1


# The child's page leads with the work


def test_the_childs_page_leads_with_alerts_the_flag_and_the_work_to_do(app, world):
    from tests.test_self_harm import open_flag

    open_flag(world, world.child, opened_at=NOW - timedelta(minutes=30))
    client = as_user(app, world.staff)
    client.post(
        f"/children/{world.child.id}/alerts/new",
        data={"code": "HEALTH", "description": "Peanut allergy"},
    )
    page = client.get(f"/children/{world.child.id}").text
    soup = BeautifulSoup(page, "html5lib")
    buttons = [" ".join(a.get_text().split()) for a in soup.select("#main-actions a")]
    assert buttons == ["Write a note", "Record the immediate action plan"]
    assert "Immediate action plan due by" in soup.select_one("#next-flag-step-due").get_text()
    order = [
        page.index(marker)
        for marker in (
            'id="alerts"',
            'id="main-actions"',
            'id="current-self-harm-flag"',
            'id="welfare-actions"',
            'id="custody-notes"',
            'id="placement"',
            ">Release<",
        )
    ]
    assert order == sorted(order)
    # The YOT starts a screening there.
    officer_page = as_user(app, world.officer).get(f"/children/{world.child.id}").text
    buttons = BeautifulSoup(officer_page, "html5lib").select("#main-actions a")
    assert [" ".join(a.get_text().split()) for a in buttons] == ["Start a welfare screening"]


def test_every_list_that_names_the_child_shows_their_alerts(app, world):
    from tests.factories import create_action

    as_user(app, world.officer).post(
        f"/children/{world.child.id}/alerts/new",
        data={"code": "KEEP_APART", "description": "Keep apart from T. Smith"},
    )
    create_action(world.child, world.yoi, due_at=NOW + timedelta(hours=3), title="Call home")
    pages = [
        (world.staff, ["/", "/actions", "/children?q=Ellis"]),
        (world.officer, ["/", "/children?q=Ellis"]),
        (world.acpc_member, ["/", "/actions"]),
    ]
    for user, paths in pages:
        client = as_user(app, user)
        for path in paths:
            page = client.get(path).text
            assert "Keep apart" in page and "Keep apart from T. Smith" in page, (user.name, path)
