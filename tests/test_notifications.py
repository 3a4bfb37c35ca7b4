"""Notifications people read: each user's list and unread count, urgent notices emailed at once,
the rest in one digest at 07:00 UK time unless the user chose otherwise."""

from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from tests.test_outbox import free_port, smtp_transport, start_server
from yoi_welfare import db
from yoi_welfare.governance.models import Disclosure
from yoi_welfare.jobs import notice_digests
from yoi_welfare.notifications.models import Delivery, Notification
from yoi_welfare.notifications.services import Notice, digest_cut_off, notify
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.outbox.services import deliver_due
from yoi_welfare.people.admission_notice import tell_yot_of_admission
from yoi_welfare.self_harm import services as self_harm
from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel

# Monday 23 November 2026, 16:00 in London (GMT): the digest goes at 07:00 on Tuesday.
AFTERNOON = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    world = World()
    world.yot_manager = create_user(
        world.yot, is_manager=True, email="manager@yot.example.org", name="Mo Manager"
    )
    world.child = create_child(
        world.area, given_name="Jordan", family_name="Ellis", local_reference="NTH-7"
    )
    world.placement = create_placement(
        world.child, world.yoi, admitted_at=AFTERNOON - timedelta(hours=2)
    )
    return world


def notice(subject: str = "Something to read") -> Notice:
    return Notice(subject, "Something happened.", ("Fact: one",), "Read it.", "/children/1")


def tell(world, user, *, urgent: bool, at=AFTERNOON, subject="Something to read") -> int:
    told = notify(
        [user.email],
        world.child,
        notice(subject),
        urgent=urgent,
        about=("young_person", world.child.id),
        purpose="A test notice",
        at=at,
    )
    db.commit()
    return told


def outbox() -> list[OutboundEmail]:
    db.session().expire_all()
    return list(db.session().exec(select(OutboundEmail).order_by(OutboundEmail.id)))


def deliver(app) -> list:
    """Deliver the outbox through a real SMTP server; the messages it received."""
    port = free_port()
    controller, inbox = start_server(port)
    try:
        deliver_due(smtp_transport(app, port), "service@example.org")
    finally:
        controller.stop()
    return inbox.messages


def test_urgent_at_once_the_rest_in_one_digest_at_seven_through_the_real_outbox(app, world):
    # A flag at high risk cannot wait: the YOT's manager is emailed at once.
    self_harm.open_flag(
        world.child,
        by=world.staff,
        concern="Said she would hurt herself tonight",
        risk_level=RiskLevel.HIGH,
        observation_level=ObservationLevel.CONSTANT_WATCH,
        triggers=None,
        warning_signs=None,
        opened_at=AFTERNOON,
        now=AFTERNOON,
    )
    # An admission can wait for the digest, as can a second routine notice.
    tell_yot_of_admission(world.child, world.placement, world.yoi, by=world.staff, now=AFTERNOON)
    tell(world, world.yot_manager, urgent=False, subject="Another thing")
    db.commit()
    [urgent] = outbox()
    assert urgent.to_address == world.yot_manager.email
    assert urgent.subject == "Self-harm flag at high risk: JE NTH-7"

    # Nothing more before 07:00 (a scheduler restarted at 06:59 sends nothing new)...
    assert notice_digests.run(NEXT_MORNING - timedelta(minutes=1)) == "0 digests written"
    assert len(outbox()) == 1
    # ... then one email with both routine notices, and a second run sends nothing.
    assert notice_digests.run(NEXT_MORNING) == "1 digests written"
    db.commit()
    assert notice_digests.run(NEXT_MORNING + timedelta(hours=1)) == "0 digests written"
    db.commit()
    messages = deliver(app)
    assert [(m["To"], m["Subject"]) for m in messages] == [
        (world.yot_manager.email, "Self-harm flag at high risk: JE NTH-7"),
        (world.yot_manager.email, "YOI Welfare: 2 notices since your last email"),
    ]
    digest = messages[1].get_content()
    assert "Child admitted" in digest and "Another thing" in digest
    assert "Child: JE (NTH-7)" in digest and "Ellis" not in digest
    assert "/notifications" in digest
    # Each email that named the child is a disclosure: the urgent one and the digest's two.
    disclosed = (
        db.session()
        .exec(select(Disclosure.purpose).where(Disclosure.recipient == world.yot_manager.email))
        .all()
    )
    assert len(disclosed) == 3
    assert sum("in the morning's digest" in purpose for purpose in disclosed) == 2
    # All three are in the service, unread.
    told = (
        db.session()
        .exec(select(Notification).where(Notification.user_id == world.yot_manager.id))
        .all()
    )
    assert sorted(n.urgent for n in told) == [False, False, True]
    assert all(n.email_id is not None and not n.digest_due for n in told)


def test_the_digest_carries_what_came_before_seven_and_the_rest_waits_a_day(app, world):
    tell(world, world.yot_manager, urgent=False, at=NEXT_MORNING - timedelta(minutes=5))
    tell(world, world.yot_manager, urgent=False, at=NEXT_MORNING + timedelta(minutes=5))
    notice_digests.run(NEXT_MORNING + timedelta(minutes=10))
    db.commit()
    [digest] = outbox()
    assert "1 notice since" in digest.subject
    # The one written after 07:00 goes the next morning.
    notice_digests.run(NEXT_MORNING + timedelta(days=1))
    db.commit()
    assert ["1 notice since" in email.subject for email in outbox()] == [True, True]


def test_the_digest_is_at_seven_uk_time_in_summer_too():
    summer = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 07:30 in London (BST)
    assert digest_cut_off(summer) == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    assert digest_cut_off(summer - timedelta(hours=1)) == datetime(2026, 6, 30, 6, 0, tzinfo=UTC)


def test_a_user_who_chose_each_at_once_is_emailed_each_routine_notice_at_once(app, world):
    world.yot_manager.routine_notices = Delivery.IMMEDIATE
    db.session().add(world.yot_manager)
    db.commit()
    tell(world, world.yot_manager, urgent=False)
    [email] = outbox()
    assert email.subject == "Something to read: JE NTH-7"
    assert "Child: JE (NTH-7)" in email.body_text
    assert notice_digests.run(NEXT_MORNING) == "0 digests written"


def test_a_digest_names_no_child_the_users_agency_may_no_longer_see(app, world):
    tell(world, world.yot_manager, urgent=False)
    # The YOT leaves the area's agreement before the morning.
    world.agreement.ends_on = date(2026, 11, 23)
    db.session().add(world.agreement)
    db.commit()
    assert notice_digests.run(NEXT_MORNING) == "0 digests written"
    db.commit()
    assert outbox() == []


def test_choosing_in_your_account_and_urgent_notices_cannot_be_switched_off(app, client, world):
    sign_in(client, world.yot_manager)
    account = client.get("/account").text
    assert "the rest in one email at 7am" in account
    page = client.get("/account/notifications").text
    choices = [i["value"] for i in BeautifulSoup(page, "html.parser").select("input[type=radio]")]
    assert choices == ["IMMEDIATE", "DIGEST"]  # no choice stops urgent ones
    assert "Urgent notices are always emailed at once" in page

    response = client.post("/account/notifications", data={"routine_notices": ""})
    assert "Select how you want to be emailed" in response.text
    response = client.post("/account/notifications", data={"routine_notices": "NEVER"})
    assert response.status_code == 200 and "govuk-error-summary" in response.text

    response = client.post("/account/notifications", data={"routine_notices": "IMMEDIATE"})
    assert response.status_code in (302, 303)
    assert "the rest at once too" in client.get("/account").text
    db.session().expire_all()
    # Digest or not, an urgent notice is emailed at once.
    world.yot_manager.routine_notices = Delivery.DIGEST
    db.session().add(world.yot_manager)
    db.commit()
    tell(world, world.yot_manager, urgent=True)
    assert len(outbox()) == 1


def unread_badge(page: str) -> str | None:
    badge = BeautifulSoup(page, "html.parser").select_one("#unread-count")
    return badge.get_text(" ", strip=True) if badge else None


def test_the_unread_count_is_each_users_own(app, world):
    colleague = create_user(world.yot, is_manager=True, email="colleague@yot.example.org")
    for _ in range(2):
        tell(world, world.yot_manager, urgent=False)
    tell(world, colleague, urgent=False)
    manager, other = app.test_client(), app.test_client()
    sign_in(manager, world.yot_manager)
    sign_in(other, colleague)
    assert unread_badge(manager.get("/").text) == "2 unread"
    assert unread_badge(other.get("/").text) == "1 unread"
    sign_in(officer := app.test_client(), world.officer)
    assert unread_badge(officer.get("/").text) is None

    # Opening one marks it read and leads to its page; the colleague's count is untouched.
    listed = manager.get("/notifications").text
    links = BeautifulSoup(listed, "html.parser").select("#notifications h2 a")
    assert [link.get_text(strip=True) for link in links] == ["Something to read: JE NTH-7"] * 2
    response = manager.get(links[0]["href"])
    assert response.status_code in (302, 303) and response.location == "/children/1"
    assert unread_badge(manager.get("/").text) == "1 unread"
    assert unread_badge(other.get("/").text) == "1 unread"
    assert "1 notification" in manager.get("/notifications?show=unread").text

    # Someone else's notification is not found.
    theirs = db.session().exec(select(Notification.id).where(Notification.user_id == colleague.id))
    assert manager.get(f"/notifications/{theirs.one()}").status_code == 404

    response = manager.post("/notifications/read")
    assert response.status_code in (302, 303)
    assert unread_badge(manager.get("/").text) is None
    assert unread_badge(other.get("/").text) == "1 unread"


def test_an_escalation_is_a_notification_emailed_at_once(app, world):
    from tests.factories import create_action
    from yoi_welfare.escalations.services import scan

    due = AFTERNOON - timedelta(days=1)
    create_action(world.child, world.yot, due_at=due, acpc_due_at=due + timedelta(days=3))
    scan(AFTERNOON)
    db.commit()
    [email] = outbox()
    assert email.to_address == world.yot_manager.email
    [told] = db.session().exec(select(Notification)).all()
    assert (told.user_id, told.urgent, told.email_id, told.digest_due) == (
        world.yot_manager.id,
        True,
        email.id,
        False,
    )
    assert told.subject == "Overdue welfare action escalated to your agency"
    assert told.path.startswith("/escalations/")
