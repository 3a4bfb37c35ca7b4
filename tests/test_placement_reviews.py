"""Placement reviews: LAC reviews on the statutory timetable, and placement review meetings."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.actions.models import TimescaleRule, WelfareAction
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.people.models import LegalStatus
from yoi_welfare.reviews import services
from yoi_welfare.reviews.models import (
    MeetingReason,
    PlacementOutcome,
    PlacementReview,
    ReviewKind,
)

# Wednesday 25 November 2026, noon; UK clocks are on GMT, so UTC is London time.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# Why a child leaves custody and where they go, as the release form asks.
RELEASED = {"reason": "BAIL", "destination": "HOME"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def held_child(world, establishment=None, **fields):
    child = create_child(world.area, given_name="Jordan", family_name="Ellis", **fields)
    create_placement(child, establishment or world.yoi, admitted_at=NOW - timedelta(days=3))
    return child


def review_form(since: int = 0, **changes) -> dict:
    data = {
        "since": str(since),
        "held_on": ["25", "11", "2026"],
        "held_time": "11:00",
        "attendees": "IRO; social worker; YOT case manager; Jordan",
        "yot_attended": "yes",
        "summary": "Settling well; family visits monthly",
        "outcome": "REMAIN",
        "transfer_to": "",
        "transfer_reason": "",
    }
    data.update(changes)
    return data


def meeting_form(since: int = 0, **changes) -> dict:
    data = review_form(since, reason="RISK_TO_OTHERS")
    data.update({"next_review_on": ["9", "12", "2026"], "next_review_time": "14:00"})
    data.update(changes)
    return data


def actions_of(child) -> dict[str, list[WelfareAction]]:
    db.session().rollback()
    db.session().expire_all()
    made: dict[str, list[WelfareAction]] = {}
    rows = db.session().exec(
        select(WelfareAction)
        .where(WelfareAction.young_person_id == child.id)
        .order_by(WelfareAction.id)
    )
    for action in rows:
        made.setdefault(action.kind, []).append(action)
    return made


def reviews() -> list[PlacementReview]:
    db.session().rollback()
    db.session().expire_all()
    return list(db.session().exec(select(PlacementReview).order_by(PlacementReview.id)))


def count(model) -> int:
    db.session().rollback()
    return db.session().exec(select(func.count()).select_from(model)).one()


def timeline_titles(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html5lib")
    return [h3.get_text(strip=True) for h3 in soup.select("#chronology-entries h3")]


# LAC reviews


def test_lac_reviews_follow_the_statutory_timetable_from_admission(client, world):
    child = create_child(world.area, legal_status=LegalStatus.REMAND)
    sign_in(client, world.staff)
    dob = child.date_of_birth
    client.post(
        "/admissions/new",
        data={
            "home_area": str(child.home_area_id),
            "local_reference": child.local_reference,
            "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
            "on_date": ["25", "11", "2026"],
            "at_time": "09:15",
        },
    )
    (first,) = actions_of(child)["first_lac_review"]
    assert first.due_at == utc(2026, 12, 23, 9, 15)  # 20 working days after admission
    page = client.get(f"/children/{child.id}").text
    assert "Next LAC review: due 23 December 2026 at 9:15am" in " ".join(page.split())

    response = client.post(f"/children/{child.id}/lac-reviews/new", data=review_form())
    assert response.status_code in (302, 303), response.text
    (review,) = reviews()
    made = actions_of(child)
    assert made["first_lac_review"][0].completed_at == utc(2026, 11, 25, 11, 0)
    (second,) = made["second_lac_review"]
    assert second.due_at == utc(2027, 2, 25, 11, 0)  # 3 months after the first review
    assert (second.source_type, second.source_id) == ("placement_review", review.id)
    assert (review.kind, review.due_at, review.next_review_due) == (
        ReviewKind.LAC_REVIEW,
        first.due_at,
        second.due_at,
    )
    assert (review.establishment_id, review.recorded_by_id, review.yot_attended) == (
        world.yoi.id,
        world.staff.id,
        True,
    )

    # The second review, in February, sets the next six months on.
    with time_machine.travel(utc(2027, 2, 20, 9, 0), tick=False):
        later = client.application.test_client()
        sign_in(later, world.staff)
        response = later.post(
            f"/children/{child.id}/lac-reviews/new",
            data=review_form(review.id, held_on=["19", "2", "2027"], held_time="10:00"),
        )
        assert response.status_code in (302, 303), response.text
        page = later.get(f"/children/{child.id}").text
        reviews_only = later.get(f"/children/{child.id}?kind=review").text
    made = actions_of(child)
    assert made["second_lac_review"][0].completed_at == utc(2027, 2, 19, 10, 0)
    (next_review,) = made["later_lac_review"]
    # 10:00 GMT in February is due at 10:00 BST in August: the same time on the clock.
    assert next_review.due_at == utc(2027, 8, 19, 9, 0)
    assert "Next LAC review: due 19 August 2027 at 10am" in " ".join(page.split())
    assert timeline_titles(reviews_only) == ["LAC review held", "LAC review held"]
    recorded = db.session().exec(
        select(AuditEvent.object_id).where(AuditEvent.action == "placement_review_recorded")
    )
    assert len(recorded.all()) == 2


def test_a_sentenced_child_who_is_looked_after_has_lac_reviews_too(client, world):
    child = held_child(world, legal_status=LegalStatus.DTO, looked_after=True)
    sign_in(client, world.staff)
    response = client.post(f"/children/{child.id}/lac-reviews/new", data=review_form())
    assert response.status_code in (302, 303), response.text
    assert [action.kind for action in sum(actions_of(child).values(), [])] == ["second_lac_review"]


def test_a_child_who_is_not_looked_after_has_no_lac_reviews(client, world):
    child = held_child(world, legal_status=LegalStatus.DTO, looked_after=False)
    sign_in(client, world.staff)
    page = client.get(f"/children/{child.id}").text
    assert "Record a LAC review" not in page and "Next LAC review" not in page
    assert (
        "is not looked after or remanded"
        in client.get(f"/children/{child.id}/lac-reviews/new").text
    )
    response = client.post(f"/children/{child.id}/lac-reviews/new", data=review_form())
    assert response.status_code == 200
    assert "Jordan Ellis is not looked after or remanded, so has no LAC reviews" in response.text
    with pytest.raises(services.ReviewError, match="not looked after or remanded"):
        record(world, child, kind=ReviewKind.LAC_REVIEW)
    assert reviews() == [] and count(WelfareAction) == 0


# Placement review meetings


def record(world, child, **changes) -> PlacementReview:
    values = {
        "by": world.staff,
        "kind": ReviewKind.PLACEMENT_MDM,
        "since": services.dao_latest_review_id(
            child.id, changes.get("kind", ReviewKind.PLACEMENT_MDM)
        ),
        "held_at": NOW - timedelta(hours=1),
        "reason": MeetingReason.PLANNED,
        "attendees": "Wing manager; YOT case manager",
        "yot_attended": True,
        "outcome": PlacementOutcome.REMAIN,
        "summary": "Doing well",
        "transfer_to": None,
        "transfer_reason": None,
        "next_review_due": None,
        "now": NOW,
    }
    values.update(changes)
    review = services.record_review(child, **values)
    db.session().commit()
    return review


def test_a_meeting_recommending_transfer_sets_the_next_meeting_as_an_action(client, world):
    child = held_child(world, legal_status=LegalStatus.DTO)
    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/placement-meetings/new",
        data=meeting_form(
            outcome="TRANSFER_RECOMMENDED",
            transfer_to="A secure children's home nearer home",
            transfer_reason="Assaults on staff; needs a smaller unit",
        ),
    )
    assert response.status_code in (302, 303), response.text
    (review,) = reviews()
    assert (review.kind, review.reason, review.outcome) == (
        ReviewKind.PLACEMENT_MDM,
        MeetingReason.RISK_TO_OTHERS,
        PlacementOutcome.TRANSFER_RECOMMENDED,
    )
    assert review.transfer_to == "A secure children's home nearer home"
    assert review.due_at is None  # no meeting was due: this one was called for a risk
    (next_meeting,) = actions_of(child)["next_placement_review"]
    assert (next_meeting.due_at, next_meeting.owner_agency_id, next_meeting.title) == (
        utc(2026, 12, 9, 14, 0),
        world.yoi.id,
        "Next placement review meeting",
    )
    # The transfer is the YOT's to request: an action of its own, due in two working days.
    (request,) = actions_of(child)["manual"]
    assert (request.owner_agency_id, request.due_at, request.source_id, request.title) == (
        world.yot.id,
        utc(2026, 11, 27, 12, 0),
        review.id,
        "Request the transfer a placement review recommended: to A secure children's home "
        "nearer home",
    )
    page = client.get(f"/children/{child.id}").text
    assert "Next placement review meeting: due 9 December 2026 at 2pm" in " ".join(page.split())
    shown = client.get(f"/placement-reviews/{review.id}").text
    assert "Assaults on staff; needs a smaller unit" in shown and "Risk to others" in shown
    assert "Placement review meeting held (risk to others)" in timeline_titles(page)

    # The next meeting completes the one that was due, and may set no further meeting.
    response = client.post(
        f"/children/{child.id}/placement-meetings/new",
        data=meeting_form(
            review.id,
            reason="PLANNED",
            held_time="11:30",
            next_review_on=["", "", ""],
            next_review_time="",
        ),
    )
    assert response.status_code in (302, 303), response.text
    (_, second) = reviews()
    assert second.due_at == next_meeting.due_at and second.next_review_due is None
    (done,) = actions_of(child)["next_placement_review"]
    assert done.completed_at == utc(2026, 11, 25, 11, 30)


def test_the_next_meeting_rule_ships_with_the_timescales(world):
    rule = (
        db.session()
        .exec(select(TimescaleRule).where(TimescaleRule.key == "next_placement_review"))
        .one()
    )
    assert (rule.trigger_event, rule.due_offset, rule.owner_kind.value) == (
        "placement_review_held",
        None,
        "ESTABLISHMENT",
    )


# Bad input


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"held_time": "12:30"}, "The date and time must not be in the future"),
        (
            {"held_on": ["21", "11", "2026"]},
            "The date and time must be after the child was admitted",
        ),
        (
            {"next_review_on": ["25", "11", "2026"], "next_review_time": "11:00"},
            "The next review must be in the future",
        ),
        ({"next_review_on": ["1", "1", "2026"]}, "The next review must be in the future"),
        ({"next_review_time": ""}, "Enter the time of the next meeting"),
        ({"outcome": "TRANSFER_RECOMMENDED"}, "Enter where the child should move to"),
        (
            {"outcome": "TRANSFER_RECOMMENDED", "transfer_to": "Somewhere"},
            "Enter why a transfer is recommended",
        ),
        ({"reason": ""}, "Select why the meeting was held"),
        ({"attendees": " "}, "Enter who attended"),
        ({"outcome": ""}, "Select the outcome of the review"),
        ({"held_on": ["", "", ""]}, "Enter the date of the review"),
        ({"yot_attended": ""}, "Select yes if the child&#39;s YOT attended"),
    ],
)
def test_a_meeting_with_bad_dates_or_gaps_saves_nothing(client, world, changes, message):
    child = held_child(world)
    sign_in(client, world.staff)
    response = client.post(
        f"/children/{child.id}/placement-meetings/new", data=meeting_form(**changes)
    )
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error: " in response.text
    assert reviews() == [] and count(WelfareAction) == 0


# Two people at once


def test_the_same_review_recorded_twice_at_once_is_saved_once(app, world):
    child = held_child(world)
    colleague = create_user(world.yoi, name="Safer Custody Lead")
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.staff)
    sign_in(second, colleague)
    url = f"/children/{child.id}/lac-reviews/new"
    for client in (first, second):
        assert 'name="since" type="hidden" value="0"' in client.get(url).text
    assert first.post(url, data=review_form()).status_code in (302, 303)
    response = second.post(url, data=review_form(summary="My own account"))
    assert response.status_code == 200
    assert (
        "This changed while you were editing: Wing Officer recorded a LAC review" in response.text
    )
    assert "My own account" in response.text
    (saved,) = reviews()
    assert len(actions_of(child)["second_lac_review"]) == 1
    assert f'name="since" type="hidden" value="{saved.id}"' in response.text
    # Having checked, they can save theirs if it really is another review.
    again = second.post(url, data=review_form(saved.id, summary="My own account"))
    assert again.status_code in (302, 303), again.text
    assert len(reviews()) == 2


# Who sees what


@pytest.mark.parametrize("who", ["other_staff", "other_officer"])
def test_another_establishment_or_area_sees_no_review(client, world, who):
    child = held_child(world)
    review = record(world, child)
    sign_in(client, getattr(world, who))
    assert client.get(f"/placement-reviews/{review.id}").status_code == 404
    assert client.get(f"/children/{child.id}").status_code == 404


def test_the_yot_reads_reviews_and_only_the_holding_establishment_records_them(client, world):
    child = held_child(world)
    review = record(world, child)
    sign_in(client, world.officer)
    page = client.get(f"/children/{child.id}").text
    assert f"/placement-reviews/{review.id}" in page
    assert "Record a placement review meeting" not in page
    assert "Wing manager; YOT case manager" in client.get(f"/placement-reviews/{review.id}").text
    assert client.get(f"/children/{child.id}/placement-meetings/new").status_code == 403
    # The establishment the child has left reads them, but records no more.
    staff = client.application.test_client()
    sign_in(staff, world.staff)
    staff.post(
        f"/children/{child.id}/release",
        data={**RELEASED, "on_date": ["25", "11", "2026"], "at_time": "11:30"},
    )
    assert staff.get(f"/placement-reviews/{review.id}").status_code == 200
    assert staff.get(f"/children/{child.id}/placement-meetings/new").status_code == 404
    with pytest.raises(services.ReviewError, match="Only the establishment holding Jordan Ellis"):
        record(world, child)
    assert staff.get("/placement-reviews/999").status_code == 404
