"""The service as its people use it, one journey after another, about one new child.

A YOT officer registers the child and submits a welfare screening; the establishment admits the
child, reads the screening and records what it does; time passes and overdue work escalates to
the establishment's manager and then to the ACPC, which responds and downloads its weekly report;
an officer of another area cannot find the child. Each step needs the ones before it.
"""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
CHILD = "Jordan Ashby"
REFERENCE = "NTH-7001"
OFFICER = "officer.northmoor@yot.example.org"
WING_OFFICER = "staff.ash-yoi@secure.example.org"
SAFER_CUSTODY_MANAGER = "manager.ash-yoi@secure.example.org"
ACPC_MEMBER = "member.northmoor@acpc.example.org"
OTHER_AREA_OFFICER = "officer.riverside@yot.example.org"
ADMINISTRATOR = "admin@yoi-welfare.example.org"
BORN = datetime.now(LONDON).date() - timedelta(days=15 * 365 + 40)


@pytest.fixture(scope="module")
def story():
    """What one journey leaves for the next: the child's address, when the flag opened."""
    return {}


def _answer_no_to_every_question(person) -> None:
    for group in person.main.get_by_role("group").all():
        no = group.get_by_label("No", exact=True)
        if no.count() == 1 and not group.locator("input[type=radio]:checked").count():
            no.check()


@pytest.mark.usefixtures("live_server")
class TestJourneys:
    in_order = True

    def test_yot_officer_registers_a_child_and_submits_a_screening(self, person, story):
        officer = person().open("/sign-in")
        officer.screenshot("sign-in")
        officer.sign_in(OFFICER)
        expect(officer.heading).to_have_text("Northmoor YOT")
        officer.screenshot("yot-officer-home")

        officer.click_nav("Register a child")
        officer.fill("Given name", "Jordan")
        officer.fill("Family name", "Ashby")
        officer.fill_date("Date of birth", BORN)
        officer.choose("Sex", "Male")
        officer.select("Ethnicity", "White")
        officer.fill("Local reference", REFERENCE)
        officer.choose("Legal status", "Sentenced: detention and training order")
        officer.choose("Is the child looked after by a local authority?", "No")
        officer.choose("Is the child subject to a child protection plan?", "No")
        officer.click_button("Register child")
        assert officer.success_banner() == f"Success {CHILD} has been registered"
        expect(officer.heading).to_have_text(CHILD)
        story["child_url"] = officer.page.url
        officer.click_link("Change the child's details")
        expect(officer.heading).to_have_text(f"Change {CHILD}'s details")
        officer.click_button("Save changes")
        expect(officer.heading).to_have_text(CHILD)

        # A draft started by mistake is discarded, saying why; then the real one starts.
        officer.click_button("Start a welfare screening")
        officer.click_button("Start the screening")
        officer.click_link("Discard this draft")
        expect(officer.heading).to_have_text("Discard this draft screening?")
        officer.click_button("Discard the draft")
        assert officer.error_summary() == ["Select why you are discarding the draft"]
        officer.choose("Why are you discarding the draft?", "It was started too early")
        officer.click_button("Discard the draft")
        assert officer.success_banner() == f"Success Draft welfare screening for {CHILD} discarded"
        expect(officer.heading).to_have_text(CHILD)

        officer.click_button("Start a welfare screening")
        officer.click_button("Start the screening")
        expect(officer.heading).to_have_text(f"Welfare screening for {CHILD}")
        officer.click_link("Physical health")

        # A "yes" with no details: the error summary says what to do and leads to the box.
        officer.choose("Does the child have any physical health needs?", "Yes")
        officer.click_button("Save and continue")
        assert officer.error_summary() == ["Enter details of the child's physical health needs"]
        officer.page.locator(".govuk-error-summary").get_by_role("link").click()
        expect(officer.page.get_by_label("Give details")).to_be_focused()
        officer.page.keyboard.type("Asthma: a blue reliever inhaler, two puffs when needed.")
        officer.click_button("Save and continue")

        # The other sections, each answered "no" throughout; the last leads to the level.
        for _ in range(12):
            if officer.heading.inner_text() == "Safety and wellbeing level":
                break
            if officer.heading.inner_text() == "Family contact":
                officer.fill(
                    "Who should the establishment contact about the child?",
                    "His mother, Carol Ashby, 07700 900123",
                )
            _answer_no_to_every_question(officer)
            officer.click_button("Save and continue")
        expect(officer.page.locator("#indicated-level")).to_have_text("Low")
        officer.choose("What is your safety and wellbeing level for the child?", "Medium")
        officer.fill(
            "Why is your level different from the indicated level?",
            "Jordan told me he is frightened of being far from his mother, who cannot visit.",
        )
        officer.click_button("Save and continue")

        officer.click_button("Check your answers and submit")
        expect(officer.heading).to_have_text("Check your answers before submitting the screening")
        officer.screenshot("screening-check-answers")
        officer.click_button("Submit the screening")
        assert officer.success_banner() == f"Success Welfare screening for {CHILD} submitted"

    def test_establishment_admits_reads_and_records(self, person, story):
        staff = person().sign_in(WING_OFFICER)
        expect(staff.heading).to_have_text("Ashgrove YOI")
        staff.click_nav("Admit a child")
        staff.select("Child's home area", "Northmoor")
        staff.fill("YOT local reference", REFERENCE)
        staff.fill_date("Date of birth", BORN)
        admitted = datetime.now(LONDON) - timedelta(minutes=30)
        staff.fill_date("Date of admission", admitted.date())
        staff.fill("Time", admitted.strftime("%H:%M"))
        staff.click_button("Admit child")
        assert staff.success_banner() == f"Success {CHILD} has been admitted"

        # The YOT's screening is waiting on the home page, and is read from there.
        staff.click_nav("Home")
        staff.screenshot("establishment-home")
        staff.click_link(f"Read the screening for {CHILD}")
        expect(staff.heading).to_have_text(f"Welfare screening for {CHILD}")
        expect(staff.main).to_contain_text("Asthma: a blue reliever inhaler")
        staff.click_nav("Home")
        expect(
            staff.main.get_by_role("link", name=f"Read the screening for {CHILD}")
        ).to_have_count(0)
        staff.click_link(CHILD)

        staff.click_button("Write a note")
        staff.choose("What is the note about?", "Daily welfare")
        staff.fill(
            "Note", "Jordan settled on Cedar wing. He asked twice when his mother can visit."
        )
        staff.click_button("Save note")

        staff.click_button("Open a self-harm flag")
        staff.fill("What is the concern?", "Found crying in his cell; said he cannot cope in here.")
        staff.choose("Risk level", "Raised")
        staff.choose("Observation level", "At least hourly")
        staff.click_button("Open flag")
        story["flag_opened"] = datetime.now(UTC)
        staff.click_link("Record the immediate action plan")
        staff.fill("Immediate action plan", "Hourly checks; a call to his mother tonight.")
        staff.click_button("Save plan")
        staff.click_button("Record a case review")
        held = datetime.now(LONDON)
        staff.fill_date("Date of the review", held.date())
        staff.fill("Time of the review", held.strftime("%H:%M"))
        staff.choose("Who else attended?", "The child")
        staff.choose("Who else attended?", "Mental health in-reach")
        staff.choose("Did the child's YOT attend?", "Yes")
        staff.fill(
            "What did the review decide?",
            "Keep hourly checks; mental health in-reach to see him tomorrow.",
        )
        staff.choose("Risk level", "Raised")
        staff.choose("Observation level", "At least hourly")
        staff.choose("Does the flag stay open?", "Yes, set the next case review")
        staff.fill_date("Date of the next case review", (held + timedelta(days=6)).date())
        staff.fill("Time of the next case review", "10:00")
        staff.click_button("Save case review")
        assert staff.success_banner() == "Success Case review recorded"
        expect(staff.page.locator("#flag-actions")).to_contain_text("Assessment interview")

        # What the establishment wrote reaches the child's YOT at once.
        officer = person().sign_in(OFFICER)
        officer.click_link(CHILD)
        officer.screenshot("child", whole_page=False)
        chronology = officer.page.locator("#chronology-entries")
        expect(chronology).to_contain_text("Custody welfare note: Daily welfare")
        expect(chronology).to_contain_text("He asked twice when his mother can visit.")
        officer.screenshot("chronology", chronology)
        officer.select("Show", "Self-harm flags")
        officer.click_button("Filter")
        expect(chronology).to_contain_text("Self-harm flag opened")
        expect(chronology).to_contain_text("Hourly checks; a call to his mother tonight.")
        expect(chronology).to_contain_text("Keep hourly checks; mental health in-reach")
        expect(chronology).not_to_contain_text("Custody welfare note")
        officer.click_nav("Actions")
        # The YOT owns the child's initial planning meeting, due ten working days from admission.
        rows = officer.main.get_by_role("row").filter(has_text=CHILD)
        expect(rows.filter(has_text="Initial planning meeting")).to_have_count(1)
        officer.screenshot("actions")

    def test_overdue_work_escalates_to_the_manager_then_the_acpc(self, person, live_server, story):
        # A day and an hour after the flag opened, the assessment interview is overdue: the
        # scan raises it to the establishment's managers.
        opened = story["flag_opened"]
        live_server.flask("escalations", "run", "--at", _instant(opened + timedelta(hours=25)))
        manager = person().sign_in(SAFER_CUSTODY_MANAGER)
        row = _the_childs_escalation(manager)
        expect(row).to_contain_text("Assessment interview")
        expect(row).to_contain_text("Agency managers")
        manager.screenshot("agency-escalations")

        # Twelve hours on, still not done, it goes to the ACPC of the child's home area, whose
        # weekly report for that week is produced.
        later = opened + timedelta(hours=38)
        live_server.flask("escalations", "run", "--at", _instant(later))
        year, week, _ = later.astimezone(LONDON).isocalendar()
        live_server.flask("reports", "weekly", "--week", f"{year}-W{week:02d}", "--area", "NTH")

        member = person().sign_in(ACPC_MEMBER)
        member.screenshot("acpc-member-home")
        row = _the_childs_escalation(member)
        expect(row).to_contain_text("Ashgrove YOI")
        expect(row).to_contain_text("None yet")
        member.screenshot("acpc-escalations")
        member.click_link("Assessment interview", within=row)
        member.choose("What has the ACPC done?", "Action requested from agency")
        member.select("Agency asked to act", "Ashgrove YOI")
        member.fill(
            "Note (optional)", "Hold the assessment interview today and tell us when it is done."
        )
        member.click_button("Record response")
        assert member.success_banner() == "Success The ACPC's response has been recorded"
        row = _the_childs_escalation(member)
        expect(row).to_contain_text("Action requested from agency: Ashgrove YOI")

        member.click_nav("Weekly reports")
        member.screenshot("acpc-weekly-reports")
        with member.page.expect_download() as download:
            member.main.get_by_role(
                "link", name=re.compile(f"^Download PDF for {year}-W{week:02d}")
            ).click()
        assert (
            download.value.suggested_filename
            == f"acpc-escalation-report-nth-{year}-W{week:02d}.pdf"
        )
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF-")
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert CHILD in text
        assert "Assessment interview" in text

    def test_an_officer_of_another_area_cannot_find_the_child(self, person, story):
        stranger = person().sign_in(OTHER_AREA_OFFICER)
        stranger.open(story["child_url"])
        expect(stranger.heading).to_have_text("Page not found")
        expect(stranger.main).not_to_contain_text(CHILD)
        stranger.click_nav("Children")
        stranger.fill("Name or reference", REFERENCE)
        stranger.click_button("Search")
        expect(stranger.page.locator("#result-count")).to_have_text(
            f"0 children matching ‘{REFERENCE}’"
        )

        # An administrator manages the service but reads no child's record.
        administrator = person().sign_in(ADMINISTRATOR)
        administrator.screenshot("administrator-home")
        administrator.open(story["child_url"])
        expect(administrator.heading).to_have_text("You do not have permission to see this page")
        expect(administrator.main).not_to_contain_text(CHILD)

    def test_a_closing_review_waits_for_a_managers_approval(self, person, story):
        staff = person().sign_in(WING_OFFICER)
        staff.open(story["child_url"])
        staff.click_link("Record a case review")
        held = datetime.now(LONDON)
        staff.fill_date("Date of the review", held.date())
        staff.fill("Time of the review", held.strftime("%H:%M"))
        staff.choose("Who else attended?", "The child")
        staff.choose("Did the child's YOT attend?", "No")
        staff.fill("What did the review decide?", "Settled after his mother's visit; close.")
        staff.choose("Risk level", "Raised")
        staff.choose("Observation level", "At least hourly")
        staff.choose("Does the flag stay open?", "No, close the flag")
        staff.click_button("Save case review")
        assert staff.success_banner() == (
            "Success Case review recorded. Closing awaits approval by a manager"
        )
        expect(staff.page.locator("#awaiting-approval")).to_contain_text(
            "Closing awaits approval by a manager"
        )
        expect(staff.page.locator("#flag-summary")).to_contain_text("Open")

        manager = person().sign_in(SAFER_CUSTODY_MANAGER)
        waiting = manager.page.locator("#approvals-waiting")
        expect(waiting).to_contain_text(CHILD)
        manager.click_link(
            f"{CHILD}: Close the flag while observations are at least hourly", within=waiting
        )
        expect(manager.heading).to_have_text(
            "Close the flag while observations are at least hourly"
        )
        manager.choose("Your decision", "Approve")
        manager.click_button("Save decision")
        assert manager.success_banner() == "Success Approved: the decision has taken effect"
        expect(manager.page.locator("#flag-summary")).to_contain_text("Closed: post-closure period")

        staff.open(story["child_url"])
        staff.select("Show", "Self-harm flags")
        staff.click_button("Filter")
        expect(staff.page.locator("#chronology-entries")).to_contain_text(
            "Manager approved: close the flag while observations are at least hourly"
        )


def _the_childs_escalation(person) -> Locator:
    """The one row about the child on the person's escalations page."""
    person.click_nav("Escalations")
    row = person.main.get_by_role("row").filter(has_text=CHILD)
    expect(row).to_have_count(1)
    return row


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
