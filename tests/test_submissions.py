"""Each form is stored once: a double click or a retried request saves one note, not two."""

import threading

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests import test_custody_notes
from tests.factories import sign_in
from tests.test_custody_notes import TEXT, held_child, notes

# The custody notes' world, on its frozen clock.
frozen_clock = test_custody_notes.frozen_clock
world = test_custody_notes.world


def token_of(page: str) -> str:
    field = BeautifulSoup(page, "html.parser").select_one('input[name="submission_token"]')
    assert field is not None, "the form carries no submission token"
    return field["value"]


def note_form(client, world) -> tuple[str, dict]:
    """Signed in as the wing officer: the new-note page's address and a filled form."""
    child = held_child(world)
    sign_in(client, world.staff)
    url = f"/children/{child.id}/notes/new"
    token = token_of(client.get(url).text)
    return url, {"category": "FAMILY_CONTACT", "text": TEXT, "submission_token": token}


def test_the_same_note_posted_twice_is_stored_once(client, world):
    url, form = note_form(client, world)
    first = client.post(url, data=form)
    again = client.post(url, data=form)
    assert first.status_code in (302, 303) and again.status_code in (302, 303)
    assert again.location == first.location
    assert len(notes()) == 1
    assert "This form had been sent already: it was saved once" in client.get(again.location).text
    # A fresh form is a new note.
    fresh = {**form, "submission_token": token_of(client.get(url).text)}
    assert client.post(url, data=fresh).status_code in (302, 303)
    assert len(notes()) == 2


def test_a_form_shown_again_with_errors_keeps_its_token_and_then_saves(client, world):
    url, form = note_form(client, world)
    wrong = client.post(url, data={**form, "text": ""})
    assert wrong.status_code == 200
    assert token_of(wrong.text) == form["submission_token"]
    assert client.post(url, data=form).status_code in (302, 303)
    assert len(notes()) == 1


def test_two_copies_posted_at_the_same_moment_store_one_note(app, client, world):
    url, form = note_form(client, world)
    cookie = client.get_cookie("session").value
    start = threading.Barrier(2)
    statuses = []

    def post():
        copy = FlaskClient(app, use_cookies=True)
        copy.set_cookie("session", cookie)
        start.wait()
        statuses.append(copy.post(url, data=form).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) in ([302, 302], [303, 303])
    assert len(notes()) == 1


def test_a_form_sent_from_an_expired_session_can_be_sent_again_after_signing_in(client, world):
    url, form = note_form(client, world)
    client.post("/sign-out")
    assert client.post(url, data=form).location.startswith("/sign-in")
    sign_in(client, world.staff)
    assert client.post(url, data=form).status_code in (302, 303)
    assert len(notes()) == 1
