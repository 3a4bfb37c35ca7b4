"""People who use only a keyboard, and browsers that run no JavaScript, can do the same work."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WING_OFFICER = "staff.ash-yoi@secure.example.org"
PASSWORD = "demo-password-2026"
MOST_TABS = 60


def _tab_to(person, name: str) -> None:
    """Press Tab until the element called `name` has focus; every stop must show its focus."""
    for _ in range(MOST_TABS):
        person.page.keyboard.press("Tab")
        person.focus_is_visible()
        focused = person.page.evaluate(
            """() => {
              const el = document.activeElement;
              return (el.labels && el.labels[0] ? el.labels[0].innerText
                : el.getAttribute("aria-label") || el.innerText || "").trim();
            }"""
        )
        if " ".join(focused.split()) == name:
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached {name!r} on {person.page.url}")


def _first_child_held(person) -> str:
    held = person.main.get_by_role("region", name="Children held here now")
    return held.locator("tbody").get_by_role("link").first.inner_text()


def test_signing_in_and_writing_a_note_with_the_keyboard_alone(person):
    someone = person().open("/sign-in")
    _tab_to(someone, "Skip to main content")
    _tab_to(someone, "Email address")
    someone.page.keyboard.type(WING_OFFICER)
    _tab_to(someone, "Password")
    someone.page.keyboard.type(PASSWORD)
    _tab_to(someone, "Sign in")
    with someone.page.expect_navigation():
        someone.page.keyboard.press("Enter")
    someone.arrived()
    expect(someone.heading).to_have_text("Ashgrove YOI")

    child = _first_child_held(someone)
    _tab_to(someone, child)
    with someone.page.expect_navigation():
        someone.page.keyboard.press("Enter")
    someone.arrived()
    expect(someone.heading).to_have_text(child)
    _tab_to(someone, "Write a note")
    with someone.page.expect_navigation():
        someone.page.keyboard.press("Enter")
    someone.arrived()

    # Saved with nothing filled in: focus moves to the error summary, whose links lead on.
    _tab_to(someone, "Save note")
    with someone.page.expect_navigation():
        someone.page.keyboard.press("Enter")
    someone.arrived()
    assert someone.error_summary() == ["Select what the note is about", "Enter the note"]
    expect(someone.page.locator(".govuk-error-summary")).to_be_focused()
    someone.focus_is_visible()
    _tab_to(someone, "Select what the note is about")
    someone.page.keyboard.press("Enter")
    expect(someone.page.get_by_label("Daily welfare")).to_be_focused()
    someone.page.keyboard.press("Space")
    expect(someone.page.get_by_label("Daily welfare")).to_be_checked()
    _tab_to(someone, "Note")
    someone.page.keyboard.type("Played pool with two other boys at association; ate all his tea.")
    _tab_to(someone, "Save note")
    with someone.page.expect_navigation():
        someone.page.keyboard.press("Enter")
    someone.arrived()
    assert someone.success_banner() == f"Success Note saved. {child}'s YOT can read it now"


def test_forms_work_without_javascript(person):
    someone = person(javascript=False).open("/sign-in")
    someone.fill("Email address", WING_OFFICER)
    someone.fill("Password", "not-the-password")
    someone.click_button("Sign in")
    assert someone.error_summary()
    someone.fill("Password", PASSWORD)
    someone.click_button("Sign in")
    expect(someone.heading).to_have_text("Ashgrove YOI")

    child = _first_child_held(someone)
    someone.click_link(child)
    someone.click_button("Write a note")
    someone.fill("Note", "Quiet day; asked for a phone call to his grandmother.")
    someone.click_button("Save note")
    assert someone.error_summary() == ["Select what the note is about"]
    expect(someone.page.get_by_label("Note", exact=True)).to_have_value(
        "Quiet day; asked for a phone call to his grandmother."
    )
    someone.choose("What is the note about?", "Family contact")
    someone.click_button("Save note")
    assert someone.success_banner() == f"Success Note saved. {child}'s YOT can read it now"
    expect(someone.main).to_contain_text("Quiet day; asked for a phone call to his grandmother.")
