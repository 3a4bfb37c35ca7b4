"""Putting right an admission recorded at the wrong time, in the open."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WING_OFFICER = "staff.ash-yoi@secure.example.org"
REASON = "Reception typed the time from the escort's log, not the gate book"


def test_the_establishment_corrects_an_admission_and_the_original_stays_on_the_record(person):
    staff = person().sign_in(WING_OFFICER)
    held = staff.main.get_by_role("region", name="Children held here now")
    child = held.locator("tbody").get_by_role("link").first.inner_text()
    staff.click_link(child, within=held)
    expect(staff.heading).to_have_text(child)
    history = staff.page.locator("#placement-history")
    staff.click_link("Correct the admission to Ashgrove YOI", within=history)
    expect(staff.heading).to_contain_text("Correct the")
    recorded = staff.page.locator("#recorded").inner_text()

    # Saved without a reason: the error says what to do, and the date and time are kept.
    time = staff.page.get_by_label("Time", exact=True)
    hours, minutes = time.input_value().split(":")
    corrected = f"{hours}:{int(minutes) + 1:02d}" if minutes != "59" else f"{hours}:58"
    time.fill(corrected)
    staff.click_button("Correct it")
    assert staff.error_summary() == ["Enter why the placement is being corrected"]
    expect(time).to_have_value(corrected)

    staff.fill("Why is it being corrected?", REASON)
    staff.click_button("Correct it")
    assert "now reads" in staff.success_banner()
    expect(staff.heading).to_have_text(child)
    # The time it replaced stays in the placement history, with who, when and why.
    was = recorded.removeprefix("Recorded as ").rstrip(".")
    expect(staff.page.locator("#placement-history")).to_contain_text(f"Corrected from {was} by ")
    expect(staff.page.locator("#placement-history")).to_contain_text(REASON)

    # The legal status was recorded wrongly too: corrected on the same page, in the open.
    details = staff.page.locator("dl").first
    status_was = details.locator("dt:has-text('Legal status') + dd").inner_text().strip()
    staff.click_link("Correct the admission to Ashgrove YOI", within=history)
    legal = staff.page.get_by_role("group", name="Legal status")
    options = legal.get_by_role("radio")
    other = next(
        label
        for label in (
            "Remanded to youth detention accommodation",
            "Sentenced: detention and training order",
        )
        if label != status_was
    )
    staff.page.get_by_label(other, exact=True).check()
    assert options.count() == 5
    staff.fill("Why is it being corrected?", "The warrant was read wrongly at reception")
    staff.click_button("Correct it")
    assert f"records the legal status as {other.lower()}" in staff.success_banner()
    expect(staff.page.locator("dl").first).to_contain_text(other)
    expect(staff.page.locator("#placement-history")).to_contain_text(
        f"legal status from {status_was} by "
    )
