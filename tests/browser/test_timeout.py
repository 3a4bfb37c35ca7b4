"""The timeout path end to end: the warning before the session ends, "Stay signed in", and a
note typed past the idle limit that survives signing in again, with JavaScript and without.

The server's idle clock is moved on by rewriting the signed session cookie with the server's
own key (as if the last request were 31 minutes ago); the page's clock by Playwright's.
"""

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WING_OFFICER = "staff.ash-yoi@secure.example.org"
NOTE = "Talked for an hour about his mum's illness; wants a call home tonight. Settled after."


def _idle_on_the_server(person, live_server, minutes: int = 31) -> None:
    """Make the server see no request from this browser for `minutes`."""
    app = Flask(__name__)
    app.secret_key = live_server.env["SECRET_KEY"]
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    context = person.page.context
    cookie = next(c for c in context.cookies() if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data["last_seen"] -= minutes * 60
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


def _open_note_form(someone) -> str:
    held = someone.main.get_by_role("region", name="Children held here now")
    child = held.locator("tbody").get_by_role("link").first.inner_text()
    someone.click_link(child)
    someone.click_button("Write a note")
    someone.choose("What is the note about?", "Daily welfare")
    someone.fill("Note", NOTE)
    return child


def _sign_in_again_and_save(someone, child: str) -> None:
    expect(someone.main).to_contain_text("What you typed has been kept: sign in again")
    someone.fill("Email address", WING_OFFICER)
    someone.fill("Password", "demo-password-2026")
    someone.click_button("Sign in")
    expect(someone.heading).to_have_text("Write a custody welfare note")
    expect(someone.page.locator("#form-restored")).to_contain_text(
        "What you typed before you were signed out has been put back. Nothing has been saved"
    )
    expect(someone.page.get_by_label("Note", exact=True)).to_have_value(NOTE)
    expect(someone.page.get_by_label("Daily welfare")).to_be_checked()
    someone.click_button("Save note")
    assert someone.success_banner() == f"Success Note saved. {child}'s YOT can read it now"
    expect(someone.main).to_contain_text(NOTE)


def test_the_warning_keeps_the_session_and_a_late_note_survives_signing_in(person, live_server):
    someone = person()
    someone.page.clock.install()
    someone.sign_in(WING_OFFICER)
    child = _open_note_form(someone)
    dialog = someone.page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_hidden()

    # Two minutes before the 30-minute idle limit: the warning, with focus on its button.
    someone.page.clock.fast_forward("28:01")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog).to_contain_text("you will be signed out in 1 minute 59 seconds")
    someone.check_page()
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(someone.page.get_by_label("Note", exact=True)).to_have_value(NOTE)

    # Left alone past the limit: the page keeps what was typed and says how to save it.
    someone.page.clock.fast_forward("30:05")
    banner = someone.page.locator("#signed-out-banner")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("What you typed on this page is still here")
    _idle_on_the_server(someone, live_server)
    someone.click_button("Save note")
    _sign_in_again_and_save(someone, child)


def test_a_late_note_survives_signing_in_without_javascript(person, live_server):
    someone = person(javascript=False)
    someone.sign_in(WING_OFFICER)
    child = _open_note_form(someone)
    expect(someone.page.locator("#timeout-warning")).to_be_hidden()
    _idle_on_the_server(someone, live_server)
    someone.click_button("Save note")
    _sign_in_again_and_save(someone, child)
