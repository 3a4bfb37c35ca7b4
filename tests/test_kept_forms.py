"""Nothing typed is lost: a form sent after the session ended is kept, encrypted, for the user
who typed it, and given back once after they sign in again. Also the timeout warning's
"Stay signed in" request."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.custody.models import CustodyWelfareNote
from yoi_welfare.kept_forms import COOKIE, DISCARDED_HIDDEN, RESTORED, KeptForm, _fields
from yoi_welfare.people.models import Placement

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
LONG_NOTE = "Spoke at length about his brother's court date; tearful at times, settled by tea."
IDLE = timedelta(minutes=31)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def child(world):
    child = create_child(world.area, given_name="Jordan", family_name="Ellis")
    create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=3))
    return child


def notes() -> int:
    return db.session().exec(select(func.count()).select_from(CustodyWelfareNote)).one()


def kept() -> list[KeptForm]:
    db.session().rollback()
    return list(db.session().exec(select(KeptForm)).all())


FIRST_TOKEN = "first-token-aaaaaaaaaaaaaaaa"  # noqa: S105  # nosec B105 - a form token


def note_form(token=FIRST_TOKEN) -> dict:
    return {
        "category": "DAILY_WELFARE",
        "text": LONG_NOTE,
        "submission_token": token,
        "csrf_token": "ignored-in-tests",
    }


def time_out_while_typing(client, clock, world, child):
    """Sign in, open the note form, leave it for longer than the idle limit, then save."""
    sign_in(client, world.staff)
    assert client.get(f"/children/{child.id}/notes/new").status_code == 200
    clock.shift(IDLE)
    return client.post(f"/children/{child.id}/notes/new", data=note_form())


def test_a_note_sent_after_the_timeout_is_kept_and_given_back_after_signing_in(
    client, clock, world, child
):
    response = time_out_while_typing(client, clock, world, child)
    assert response.status_code in (302, 303)
    assert response.location.startswith("/sign-in")
    assert notes() == 0
    [row] = kept()
    assert row.user_id == world.staff.id
    assert LONG_NOTE.encode() not in row.payload  # encrypted at rest
    assert client.get_cookie(COOKIE) is not None
    page = client.get(response.location).text
    assert "What you typed has been kept: sign in again to go back to it" in page

    response = sign_in(client, world.staff)
    assert response.location == f"/children/{child.id}/notes/new"
    page = client.get(response.location).text
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("textarea[name=text]").get_text().strip() == LONG_NOTE
    assert soup.select_one("input[name=category][value=DAILY_WELFARE]").has_attr("checked")
    assert RESTORED in " ".join(soup.select_one("#form-restored").get_text().split())
    # A fresh one-use token: the kept form's was never used, but it is not sent again.
    token = soup.select_one("input[name=submission_token]")["value"]
    assert token != FIRST_TOKEN
    assert notes() == 0  # nothing saved without the user's own submit
    assert kept() == []  # given back once

    response = client.post(
        f"/children/{child.id}/notes/new", data={**note_form(token), "text": LONG_NOTE}
    )
    assert response.status_code in (302, 303)
    assert notes() == 1


def test_a_kept_form_is_given_back_once(client, clock, world, child):
    time_out_while_typing(client, clock, world, child)
    cookie = client.get_cookie(COOKIE).value
    sign_in(client, world.staff)
    client.get(f"/children/{child.id}/notes/new")
    client.post("/sign-out")
    # The same browser cookie again (a second tab, a back button): nothing more to give back.
    client.set_cookie(COOKIE, cookie)
    response = sign_in(client, world.staff)
    assert response.location == "/"
    page = client.get(f"/children/{child.id}/notes/new").text
    assert "has been put back" not in page
    assert LONG_NOTE not in page


def test_someone_else_signing_in_on_the_same_browser_gets_nothing(client, clock, world, child):
    time_out_while_typing(client, clock, world, child)
    colleague = create_user(world.yoi, name="Another Officer")
    response = sign_in(client, colleague)
    assert response.location == "/"
    assert LONG_NOTE not in client.get(f"/children/{child.id}/notes/new").text
    assert len(kept()) == 1  # still there for the one who typed it


def test_a_form_about_a_child_no_longer_held_is_discarded_with_a_notice(
    client, clock, world, child
):
    time_out_while_typing(client, clock, world, child)
    placement = db.session().exec(select(Placement)).one()
    placement.left_at = NOW
    db.session().add(placement)
    db.session().commit()
    response = sign_in(client, world.staff)
    response = client.get(response.location)
    assert response.status_code in (302, 303)
    assert response.location == "/"
    page = client.get("/").text
    assert DISCARDED_HIDDEN in " ".join(page.split())
    assert LONG_NOTE not in page
    assert kept() == []


def test_kept_forms_are_deleted_after_24_hours(client, clock, world, child):
    time_out_while_typing(client, clock, world, child)
    clock.shift(timedelta(hours=24, minutes=1))
    response = sign_in(client, world.staff)
    assert response.location == "/"
    assert kept() == []


def test_a_button_from_another_page_is_not_kept(client, clock, world, child):
    sign_in(client, world.staff)
    clock.shift(IDLE)
    response = client.post("/session/keep-alive")
    assert response.location.startswith("/sign-in")
    assert kept() == []


def test_stay_signed_in_moves_the_idle_clock_on(client, clock, world):
    sign_in(client, world.staff)
    clock.shift(timedelta(minutes=28))
    response = client.post("/session/keep-alive")
    assert response.json == {"seconds_left": 30 * 60}
    clock.shift(timedelta(minutes=28))
    assert client.get("/").status_code == 200
    assert (
        db.session().exec(select(func.count()).where(AuditEvent.action == "session_expired")).one()
        == 0
    )


def test_the_timeout_warning_is_on_every_signed_in_page(client, clock, world):
    assert 'id="timeout-warning"' not in client.get("/sign-in").text
    sign_in(client, world.staff)
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    dialog = soup.select_one("dialog#timeout-warning")
    assert dialog["data-idle-seconds"] == str(30 * 60)
    assert dialog["data-absolute-seconds-left"] == str(12 * 3600)
    assert dialog["data-keep-alive-url"] == "/session/keep-alive"
    assert dialog.select_one("button[data-timeout-stay]").get_text() == "Stay signed in"


def test_passwords_are_never_kept(client, clock, world):
    sign_in(client, world.staff)
    clock.shift(IDLE)
    client.post(
        "/account/password",
        data={"current_password": "old-secret-words", "new_password": "new-secret-words-9"},
    )
    [row] = kept()
    assert dict(_fields(row, world.staff.id)) == {}
