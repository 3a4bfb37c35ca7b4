"""Correcting when a child was admitted, transferred or released, in the open."""

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import World, create_child, create_placement, sign_in
from tests.pages import field_error
from yoi_welfare import db
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.escalations.services import scan
from yoi_welfare.notifications.models import Delivery
from yoi_welfare.people import services as people
from yoi_welfare.people.models import LeavingReason, Placement, PlacementCorrection
from yoi_welfare.reports.data import gather
from yoi_welfare.reports.weeks import IsoWeek

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Wednesday
WRONG = datetime(2026, 11, 18, 9, 15, tzinfo=UTC)  # a week too early
RIGHT = {"on_date": ["25", "11", "2026"], "at_time": "08:00"}
WHY = "Typed from the previous warrant; the court remanded the child this morning"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def admitted_a_week_early(world):
    """A remanded child admitted, by mistake, as of a week ago: the screening is overdue and
    has been escalated to the YOT's managers and to the ACPC."""
    child = create_child(world.area)
    placement = people.admit(world.staff, child, world.yoi, WRONG, NOW, late_reason="Paper")
    db.session().commit()
    scan(NOW)
    db.session().commit()
    return child, placement


def actions_of(child) -> dict[str, list[WelfareAction]]:
    db.session().expire_all()
    found: dict[str, list[WelfareAction]] = {}
    for action in db.session().exec(
        select(WelfareAction)
        .where(WelfareAction.young_person_id == child.id)
        .order_by(WelfareAction.id)
    ):
        found.setdefault(action.kind, []).append(action)
    return found


def escalations_of(action: WelfareAction) -> list[Escalation]:
    return list(
        db.session().exec(
            select(Escalation).where(Escalation.action_id == action.id).order_by(Escalation.level)
        )
    )


def released(world, days_ago: int) -> Placement:
    """A child admitted to Ashgrove ten days ago and released ``days_ago``."""
    return create_placement(
        create_child(world.area),
        world.yoi,
        admitted_at=NOW - timedelta(days=10),
        left_at=NOW - timedelta(days=days_ago),
        leaving_reason=LeavingReason.RELEASE,
    )


def form(client, path: str, **answers) -> dict:
    page = BeautifulSoup(client.get(path).text, "html.parser")
    return {"seen": page.select_one("input[name=seen]")["value"], **answers}


def test_the_yot_corrects_an_admission_date_and_the_deadlines_and_escalations_follow(
    app, client, world
):
    child, placement = admitted_a_week_early(world)
    (screening,) = actions_of(child)["welfare_screening_due"]
    assert {e.level for e in escalations_of(screening)} == {
        EscalationLevel.AGENCY,
        EscalationLevel.ACPC,
    }
    sign_in(client, world.officer)
    page = html.unescape(client.get(f"/children/{child.id}").text)
    path = f"/placements/{placement.id}/correct-admission"
    assert f'href="{path}"' in page
    shown = client.get(path).text
    assert "Recorded as 18 November 2026 at 9:15am." in shown and 'value="09:15"' in shown

    # Refused with the answers kept, and nothing changed.
    response = client.post(path, data=form(client, path, **RIGHT))
    assert field_error(response.text, "reason") == (
        "Error: Enter why the placement is being corrected"
    )
    response = client.post(
        path, data=form(client, path, on_date=["26", "11", "2026"], at_time="08:00", reason=WHY)
    )
    assert field_error(response.text, "on_date") == (
        "Error: The date and time must not be in the future"
    )
    assert WHY in html.unescape(response.text)
    db.session().expire_all()
    assert db.session().get(Placement, placement.id).admitted_at == WRONG

    response = client.post(path, data=form(client, path, **RIGHT, reason=WHY))
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(Placement, placement.id).admitted_at == datetime(
        2026, 11, 25, 8, 0, tzinfo=UTC
    )
    # The escalations were raised only because of the wrong date: withdrawn, not deleted.
    withdrawn = escalations_of(screening)
    assert [(e.withdrawn_at, e.resolved_at) for e in withdrawn] == [(NOW, NOW)] * 2
    assert withdrawn[0].withdrawn_reason == (
        "Raised in error: the date it counted from was corrected on 25 November 2026"
    )
    # The screening is due a working day after the corrected admission, and escalates afresh.
    actions = actions_of(child)
    old, new = actions["welfare_screening_due"]
    assert old.cancelled_at == NOW and new.is_open
    assert (new.due_at, new.source_id) == (datetime(2026, 11, 26, 8, 0, tzinfo=UTC), placement.id)
    (lac,) = actions["first_lac_review"]
    assert lac.due_at == datetime(2026, 12, 23, 8, 0, tzinfo=UTC)  # moved, not replaced
    scan(NOW)
    db.session().commit()
    assert escalations_of(new) == []
    scan(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    db.session().commit()
    assert [e.level for e in escalations_of(new)] == [EscalationLevel.AGENCY]

    # The original stays visible, with who corrected it, when and why.
    page = html.unescape(client.get(f"/children/{child.id}").text)
    history = page.split('id="placement-history"', 1)[1].split("</table>", 1)[0]
    assert (
        "Corrected from 18 November 2026 at 9:15am by Olive Officer on 25 November 2026: " + WHY
    ) in history
    correction = db.session().exec(select(PlacementCorrection)).one()
    assert (correction.was_at, correction.corrected_by_id) == (WRONG, world.officer.id)
    assert (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "placement_corrected"))
        .one()
    )
    # The ACPC's weekly report shows the withdrawn escalation as withdrawn.
    report = gather(db.session().get(type(world.area), world.area.id), IsoWeek(2026, 48), NOW)
    lines = [line for _owner, lines in report.by_owner for line in lines]
    assert [line.withdrawn_reason for line in lines if line.action.id == old.id] == [
        withdrawn[1].withdrawn_reason
    ]


def test_a_correction_made_from_a_stale_form_is_refused(app, client, world):
    child, placement = admitted_a_week_early(world)
    path = f"/placements/{placement.id}/correct-admission"
    sign_in(client, world.officer)
    stale = form(client, path, **RIGHT, reason=WHY)
    other = app.test_client()
    sign_in(other, world.staff)
    response = other.post(
        path, data=form(other, path, on_date=["24", "11", "2026"], at_time="10:00", reason="Log")
    )
    assert response.status_code in (302, 303), response.text
    response = client.post(path, data=stale, follow_redirects=True)
    assert "This placement changed while you were editing" in html.unescape(response.text)
    db.session().expire_all()
    assert db.session().get(Placement, placement.id).admitted_at == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )
    assert len(db.session().exec(select(PlacementCorrection)).all()) == 1


def test_a_transfer_is_corrected_at_both_ends_by_the_establishment_that_recorded_it(client, world):
    child = create_child(world.area)
    first = create_placement(
        child,
        world.yoi,
        admitted_at=NOW - timedelta(days=10),
        left_at=NOW - timedelta(days=2),
        leaving_reason=LeavingReason.TRANSFER,
    )
    second = create_placement(child, world.other_yoi, admitted_at=NOW - timedelta(days=2))
    sign_in(client, world.staff)  # Ashgrove sent the child
    path = f"/placements/{second.id}/correct-admission"
    assert "Correct the transfer from Ashgrove YOI to Cedar Lodge STC" in client.get(path).text
    response = client.post(
        path, data=form(client, path, on_date=["21", "11", "2026"], at_time="10:00", reason=WHY)
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    moved = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert db.session().get(Placement, first.id).left_at == moved
    assert db.session().get(Placement, second.id).admitted_at == moved
    assert len(db.session().exec(select(PlacementCorrection)).all()) == 2
    # Not before the child was admitted to the sending establishment.
    response = client.post(
        path, data=form(client, path, on_date=["1", "11", "2026"], at_time="10:00", reason=WHY)
    )
    assert field_error(response.text, "on_date") == (
        "Error: The date and time must be after the child's previous move"
    )


def test_a_release_is_corrected_by_the_releasing_establishment(client, world):
    placement = released(world, days_ago=1)
    sign_in(client, world.staff)
    path = f"/placements/{placement.id}/correct-release"
    response = client.post(
        path, data=form(client, path, on_date=["10", "11", "2026"], at_time="10:00", reason=WHY)
    )
    assert field_error(response.text, "on_date") == (
        "Error: The date and time must be after the child was admitted"
    )
    response = client.post(
        path, data=form(client, path, on_date=["23", "11", "2026"], at_time="16:00", reason=WHY)
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(Placement, placement.id).left_at == datetime(
        2026, 11, 23, 16, 0, tzinfo=UTC
    )


def test_only_the_childs_yot_and_the_establishment_that_recorded_it_correct_a_move(
    app, client, world
):
    child = create_child(world.area)
    placement = create_placement(child, world.yoi, admitted_at=NOW - timedelta(days=3))
    path = f"/placements/{placement.id}/correct-admission"
    for user, status in (
        (world.other_officer, 404),  # another area's YOT cannot see the child
        (world.other_staff, 404),  # an establishment that never held the child
        (world.acpc_member, 403),
        (world.admin, 403),
    ):
        reader = app.test_client()
        sign_in(reader, user)
        assert reader.get(path).status_code == status, user.email
    # Nor is a transfer corrected as a release.
    sign_in(client, world.staff)
    assert client.get(f"/placements/{placement.id}/correct-release").status_code == 404
    assert client.get(path).status_code == 200  # the establishment that admitted the child


# The establishment and the legal status


def admitted(world, exception_reason=None, **child_fields):
    """A child admitted to Ashgrove YOI two days ago, screened by the YOT before: reading the
    screening is Ashgrove's deadline."""
    from tests.factories import create_screening

    child = create_child(world.area, **child_fields)
    create_screening(child, world.officer, submitted_at=NOW - timedelta(days=3))
    placement = people.admit(
        world.staff,
        child,
        world.yoi,
        NOW - timedelta(days=2),
        NOW,
        late_reason="Paper",
        exception_reason=exception_reason,
    )
    db.session().commit()
    return child, placement


def test_the_yot_corrects_the_establishment_and_its_deadlines_move_there(client, world):
    child, placement = admitted(world)
    (reading,) = actions_of(child)["welfare_screening_read"]
    assert reading.owner_agency_id == world.yoi.id
    sign_in(client, world.officer)
    path = f"/placements/{placement.id}/correct-admission"
    page = BeautifulSoup(client.get(path).text, "html.parser")
    assert (
        page.select_one("#recorded-where")
        .get_text(" ", strip=True)
        .startswith("Establishment: Ashgrove YOI.")
    )
    chosen = page.select_one("select[name=establishment] option[selected]")
    assert chosen["value"] == str(world.yoi.id)

    response = client.post(
        path,
        data=form(
            client,
            path,
            on_date=["23", "11", "2026"],
            at_time="12:00",
            establishment=str(world.other_yoi.id),
            reason="Taken to Cedar Lodge, not Ashgrove: the escort's sheet was wrong",
        ),
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(Placement, placement.id).establishment_id == world.other_yoi.id
    (correction,) = db.session().exec(select(PlacementCorrection)).all()
    assert (correction.was_establishment_id, correction.corrected_establishment_id) == (
        world.yoi.id,
        world.other_yoi.id,
    )
    assert correction.was_at == correction.corrected_to  # the date was right
    (reading,) = actions_of(child)["welfare_screening_read"]
    assert reading.owner_agency_id == world.other_yoi.id
    history = " ".join(
        BeautifulSoup(client.get(f"/children/{child.id}").text, "html.parser")
        .select_one("#placement-history")
        .get_text(" ", strip=True)
        .split()
    )
    assert "Cedar Lodge STC" in history
    assert "Corrected establishment from Ashgrove YOI by Olive Officer on 25 November 2026" in (
        history
    )
    audited = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "placement_corrected"))
        .one()
    )
    assert audited.detail == "admission: establishment"


def test_an_establishment_that_does_not_hold_the_child_needs_an_exception(client, world):
    from tests.factories import create_user
    from yoi_welfare.outbox.models import OutboundEmail
    from yoi_welfare.people.models import PlacementException, Sex

    # The governor chose routine notices by email at once (others get them in the 07:00 digest).
    create_user(
        world.yoi,
        is_manager=True,
        email="governor@ashgrove.example.org",
        routine_notices=Delivery.IMMEDIATE,
    )
    child, placement = admitted(world, exception_reason="Court order", sex=Sex.FEMALE)
    placement_id = placement.id
    sign_in(client, world.officer)
    path = f"/placements/{placement_id}/correct-admission"
    # Cedar Lodge STC takes girls: no exception needed there; back to the YOI needs one.
    redirected = client.post(
        path,
        data=form(
            client,
            path,
            establishment=str(world.other_yoi.id),
            reason="Wrong site",
            on_date=["23", "11", "2026"],
            at_time="12:00",
        ),
    )
    assert redirected.status_code in (302, 303), redirected.text
    before = len(db.session().exec(select(OutboundEmail)).all())
    answers = form(
        client,
        path,
        establishment=str(world.yoi.id),
        reason="Wrong again",
        on_date=["23", "11", "2026"],
        at_time="12:00",
    )
    response = client.post(path, data=answers)
    assert field_error(response.text, "exception_reason").startswith(
        "Error: Ashgrove YOI holds boys aged 15 to 17, and this child is a girl"
    )
    assert 'value="Wrong again"' in response.text or "Wrong again" in response.text
    db.session().expire_all()
    assert db.session().get(Placement, placement_id).establishment_id == world.other_yoi.id

    response = client.post(path, data={**answers, "exception_reason": "Only bed that night"})
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    exceptions = (
        db.session()
        .exec(select(PlacementException).where(PlacementException.placement_id == placement_id))
        .all()
    )
    assert [e.reason for e in exceptions if e.establishment_id == world.yoi.id][-1] == (
        "Only bed that night"
    )
    told = db.session().exec(select(OutboundEmail).order_by(OutboundEmail.id)).all()[before:]
    assert [mail.to_address for mail in told] == ["governor@ashgrove.example.org"]


def test_an_establishment_outside_the_sharing_agreement_is_refused(world):
    from tests.factories import create_agency
    from yoi_welfare.agencies.models import AgencyKind
    from yoi_welfare.people import corrections
    from yoi_welfare.people.models import CorrectedMoment
    from yoi_welfare.people.services import PeopleError

    child, placement = admitted(world)
    outsider = create_agency(AgencyKind.SCH, name="Hilltop SCH")
    neighbours = corrections.dao_neighbours(placement)
    with pytest.raises(PeopleError) as refused:
        corrections.correct(
            world.officer,
            child,
            placement,
            CorrectedMoment.ADMISSION,
            when=placement.admitted_at,
            reason="Wrong",
            seen=corrections.fingerprint(placement, neighbours, child),
            now=NOW,
            establishment=outsider,
        )
    assert refused.value.field == "establishment"
    assert "not a party to a sharing agreement" in refused.value.message


def test_the_legal_status_recorded_wrongly_is_corrected_and_its_deadlines_follow(client, world):
    from yoi_welfare.people.models import LegalStatus, YoungPerson

    child, placement = admitted(world, legal_status=LegalStatus.REMAND)
    assert [a.is_open for a in actions_of(child)["first_lac_review"]] == [True]
    sign_in(client, world.officer)
    path = f"/placements/{placement.id}/correct-admission"
    response = client.post(
        path,
        data=form(
            client,
            path,
            on_date=["23", "11", "2026"],
            at_time="12:00",
            legal_status="DTO",
            reason="Sentenced at court, not remanded: the warrant was misread",
        ),
    )
    assert response.status_code in (302, 303), response.text
    db.session().expire_all()
    assert db.session().get(YoungPerson, child.id).legal_status is LegalStatus.DTO
    found = actions_of(child)
    assert [a.is_open for a in found["first_lac_review"]] == [False]
    (meeting,) = found["initial_planning_meeting"]
    # Recorded wrongly: due as from the admission, 10 working days after 23 November.
    assert meeting.due_at == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    (correction,) = db.session().exec(select(PlacementCorrection)).all()
    assert (correction.was_legal_status, correction.corrected_legal_status) == (
        LegalStatus.REMAND,
        LegalStatus.DTO,
    )
    page = " ".join(BeautifulSoup(client.get(path).text, "html.parser").get_text(" ").split())
    assert (
        "Legal status from Remanded to youth detention accommodation to Sentenced: detention "
        "and training order, by Olive Officer"
    ) in page


def test_the_legal_status_is_not_offered_for_an_earlier_time_in_custody(client, world):
    placement = released(world, days_ago=5)
    sign_in(client, world.officer)
    page = client.get(f"/placements/{placement.id}/correct-admission").text
    assert 'name="establishment"' in page and 'name="legal_status"' not in page
    release = client.get(f"/placements/{placement.id}/correct-release").text
    assert 'name="establishment"' not in release


def test_a_legal_status_changed_meanwhile_makes_the_form_stale(client, world):
    from yoi_welfare.people.models import LegalStatus

    child, placement = admitted(world, legal_status=LegalStatus.REMAND)
    sign_in(client, world.officer)
    path = f"/placements/{placement.id}/correct-admission"
    stale = form(
        client, path, on_date=["23", "11", "2026"], at_time="12:00", legal_status="S250", reason=WHY
    )
    child.legal_status = LegalStatus.DTO
    db.session().add(child)
    db.session().commit()
    response = client.post(path, data=stale, follow_redirects=True)
    assert "This placement changed while you were editing" in html.unescape(response.text)
    assert db.session().exec(select(PlacementCorrection)).all() == []


def test_an_establishment_correcting_its_only_stay_away_goes_home(client, world):
    child, placement = admitted(world)
    sign_in(client, world.staff)
    path = f"/placements/{placement.id}/correct-admission"
    response = client.post(
        path,
        data=form(
            client,
            path,
            on_date=["23", "11", "2026"],
            at_time="12:00",
            establishment=str(world.other_yoi.id),
            reason="Never came here",
        ),
    )
    assert response.location == "/"
    assert client.get(f"/children/{child.id}").status_code == 404
