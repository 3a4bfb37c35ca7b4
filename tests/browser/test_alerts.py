"""Alerts in the browser: the banner on every page about a child, the lists most urgent first,
and an alert raised by hand. Every page is checked with axe-core as it is reached."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WING_OFFICER = "staff.ash-yoi@secure.example.org"
YOT_OFFICER = "officer.northmoor@yot.example.org"


def test_an_alert_raised_by_hand_is_a_banner_on_the_childs_pages(person):
    staff = person().sign_in(WING_OFFICER)
    held = staff.main.get_by_role("region", name="Children held here now")
    expect(held.get_by_role("table")).to_contain_text("Alerts")
    child = held.locator("tbody").get_by_role("link").first.inner_text()
    staff.click_link(child, within=held)
    expect(staff.heading).to_have_text(child)
    child_path = staff.page.url.split("?")[0]
    staff.open(f"{child_path}/alerts")
    staff.click_button("Raise an alert")
    staff.click_button("Raise alert")
    assert staff.error_summary() == [
        "Select what the alert is about",
        "Enter what people must know",
    ]
    staff.choose("What is the alert about?", "Health need")
    staff.fill("What must people know?", "Severe peanut allergy: adrenaline pen in healthcare")
    staff.click_button("Raise alert")
    assert "Alert raised" in staff.success_banner()
    banner = staff.page.get_by_role("region", name=f"alerts for {child}")
    expect(banner).to_contain_text("Severe peanut allergy")
    staff.click_link(f"All alerts for {child}", within=banner)
    staff.open(f"{child_path}/notes")
    expect(staff.page.get_by_role("region", name=f"alerts for {child}")).to_contain_text(
        "Severe peanut allergy"
    )


def test_the_caseload_is_most_urgent_first(person):
    officer = person().sign_in(YOT_OFFICER)
    caseload = officer.main.get_by_role("region", name="Your caseload")
    expect(caseload).to_contain_text("Self-harm flag")
    officer.click_link("Sort by name")
    expect(officer.main.get_by_role("link", name="Most urgent first")).to_be_visible()
