"""The timescale rules: shipped with their sources, and editable for actions created afterwards."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from tests.factories import World, create_child, create_placement, sign_in
from yoi_welfare import db
from yoi_welfare.actions import services
from yoi_welfare.actions.models import OwnerKind, TimescaleRule
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.domain.timescales import Unit

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday, on GMT


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    return World()


def rule(key: str) -> TimescaleRule:
    db.session().expire_all()
    return db.session().exec(select(TimescaleRule).where(TimescaleRule.key == key)).one()


H, WD, CD, M = Unit.HOURS, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS
YOT, EST = OwnerKind.YOT, OwnerKind.ESTABLISHMENT


@pytest.mark.parametrize(
    "key, trigger, due, owner, grace, source",
    [
        ("welfare_screening_due", "child_admitted", (1, WD), YOT, (2, WD), "RCPCH"),
        ("immediate_action_plan", "self_harm_flag_opened", (1, H), EST, (12, H), "PSI 64/2011"),
        ("assessment_interview", "self_harm_flag_opened", (24, H), EST, (12, H), "ACCT"),
        ("first_case_review", "self_harm_flag_opened", (24, H), EST, (12, H), "ACCT"),
        ("next_case_review", "case_review_held", (None, None), EST, (12, H), "sets the date"),
        ("post_closure_review", "self_harm_flag_closed", (7, CD), EST, (12, H), "post-closure"),
        ("first_lac_review", "remanded_child_admitted", (20, WD), YOT, (2, WD), "Care Planning"),
        ("second_lac_review", "first_lac_review_held", (3, M), YOT, (2, WD), "Care Planning"),
        ("later_lac_review", "later_lac_review_held", (6, M), YOT, (2, WD), "Care Planning"),
        ("initial_planning_meeting", "sentenced_child_admitted", (10, WD), YOT, (2, WD), "YJB"),
        ("case_review_limit_high", "case_review_limit", (24, H), EST, (12, H), "Local practice"),
        ("case_review_limit_raised", "case_review_limit", (7, CD), EST, (12, H), "ACCT"),
        ("case_review_limit_low", "case_review_limit", (14, CD), EST, (12, H), "ACCT"),
    ],
)
def test_every_database_starts_with_the_default_timescales(
    app, key, trigger, due, owner, grace, source
):
    seeded = rule(key)
    assert seeded.trigger_event == trigger
    assert (seeded.due_offset, seeded.due_unit) == due
    assert seeded.owner_kind is owner
    assert (seeded.acpc_grace_offset, seeded.acpc_grace_unit) == grace
    assert source in seeded.source


def test_administrators_see_the_rules_with_their_sources(client, world):
    sign_in(client, world.admin)
    page = client.get("/admin/timescales/").text
    assert "Welfare screening" in page and "1 working day" in page
    assert "Care Planning, Placement and Case Review (England) Regulations 2010" in page
    assert "Set by the event that triggers it" in page
    assert "12 hours overdue" in page


@pytest.mark.parametrize("who", ["officer", "staff", "acpc_member"])
def test_only_administrators_see_or_change_the_rules(client, world, who):
    sign_in(client, getattr(world, who))
    screening = rule("welfare_screening_due")
    assert client.get("/admin/timescales/").status_code == 403
    assert client.post(f"/admin/timescales/{screening.id}/edit", data={}).status_code == 403


def edit_form(current: TimescaleRule, **changes) -> dict:
    """A change that shortens the welfare screening rule (1 working day, 2 to the ACPC), so it
    applies at once."""
    data = {
        "due_offset": "12",
        "due_unit": "HOURS",
        "acpc_grace_offset": "1",
        "acpc_grace_unit": "CALENDAR_DAYS",
        "version_id": str(current.version_id),
    }
    data.update(changes)
    return data


def admit(child, establishment, at):
    create_placement(child, establishment, admitted_at=at)
    made = services.on_event("child_admitted", child=child, at=at, by=None)
    db.session().commit()
    return {action.kind: action for action in made}


def test_a_rule_edit_applies_to_new_actions_only(client, world):
    before = admit(create_child(world.area), world.yoi, NOW)["welfare_screening_due"]
    sign_in(client, world.admin)
    screening = rule("welfare_screening_due")
    version = screening.version_id
    response = client.post(f"/admin/timescales/{screening.id}/edit", data=edit_form(screening))
    assert response.status_code in (302, 303), response.text

    changed = rule("welfare_screening_due")
    assert (changed.due_offset, changed.due_unit) == (12, Unit.HOURS)
    assert (changed.acpc_grace_offset, changed.acpc_grace_unit) == (1, Unit.CALENDAR_DAYS)
    assert (changed.updated_at, changed.updated_by_id) == (NOW, world.admin.id)
    assert changed.version_id == version + 1
    page = client.get(response.location).text
    assert "Welfare screening: the rule has been changed for new actions" in page
    assert "12 hours" in page

    db.session().expire_all()
    unchanged = db.session().get(type(before), before.id)
    assert unchanged.due_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert unchanged.acpc_due_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    after = admit(create_child(world.area), world.other_yoi, NOW)["welfare_screening_due"]
    assert after.due_at == NOW + timedelta(hours=12)
    assert after.acpc_due_at == NOW + timedelta(hours=36)
    events = (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "timescale_rule_changed"))
        .all()
    )
    assert [(e.object_type, e.object_id, e.user_id) for e in events] == [
        ("timescale_rule", screening.id, world.admin.id)
    ]


def test_a_stale_edit_is_refused_and_shows_the_current_values(client, world):
    sign_in(client, world.admin)
    screening = rule("welfare_screening_due")
    stale = edit_form(screening, due_offset="5")
    other_admin = client.application.test_client()
    sign_in(other_admin, world.admin)
    other_admin.post(f"/admin/timescales/{screening.id}/edit", data=edit_form(screening))

    response = client.post(f"/admin/timescales/{screening.id}/edit", data=stale)
    assert response.status_code == 200
    assert "This rule changed while you were editing" in response.text
    assert 'value="12"' in response.text  # the value the other administrator saved
    assert rule("welfare_screening_due").due_offset == 12


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"due_offset": "1001"}, "Due period must be between 0 and 1000"),
        ({"due_offset": "-1"}, "Due period must be between 0 and 1000"),
        ({"due_offset": "two"}, "Due period must be a whole number"),
        ({"due_offset": ""}, "Enter the due period"),
        ({"due_unit": ""}, "Select what the due period is counted in"),
        ({"due_unit": "FORTNIGHTS"}, "Select one of the options"),
        ({"acpc_grace_offset": "1.5"}, "ACPC grace period must be a whole number"),
        ({"acpc_grace_unit": ""}, "Select what the ACPC grace period is counted in"),
    ],
)
def test_rule_edits_are_checked(client, world, changes, message):
    sign_in(client, world.admin)
    screening = rule("welfare_screening_due")
    version = screening.version_id
    response = client.post(
        f"/admin/timescales/{screening.id}/edit", data=edit_form(screening, **changes)
    )
    assert response.status_code == 200
    assert message in response.text
    assert rule("welfare_screening_due").version_id == version


def test_a_rule_whose_due_time_the_event_sets_only_has_its_grace_edited(client, world):
    sign_in(client, world.admin)
    next_review = rule("next_case_review")
    page = client.get(f"/admin/timescales/{next_review.id}/edit").text
    assert 'name="due_offset"' not in page
    assert "The event that triggers this action sets when it is due" in page
    response = client.post(
        f"/admin/timescales/{next_review.id}/edit",
        data={
            "acpc_grace_offset": "6",
            "acpc_grace_unit": "HOURS",
            "version_id": str(next_review.version_id),
        },
    )
    assert response.status_code in (302, 303), response.text
    changed = rule("next_case_review")
    assert (changed.due_offset, changed.acpc_grace_offset) == (None, 6)


def test_the_service_refuses_offsets_out_of_range_and_offsets_for_event_set_rules(world):
    screening = rule("welfare_screening_due")
    change = {
        "by": world.admin,
        "version_id": screening.version_id,
        "due_unit": Unit.HOURS,
        "acpc_grace_offset": 2,
        "acpc_grace_unit": Unit.HOURS,
        "now": NOW,
    }
    with pytest.raises(services.ActionError, match="between 0 and 1000") as error:
        services.update_rule(screening, due_offset=1001, **change)
    assert error.value.field == "due_offset"
    next_review = rule("next_case_review")
    with pytest.raises(ValueError):
        services.update_rule(
            next_review, **(change | {"version_id": next_review.version_id}), due_offset=4
        )
    db.session().rollback()
    assert rule("welfare_screening_due").due_offset == 1
    assert rule("next_case_review").due_offset is None


def test_a_case_review_limit_is_edited_without_a_grace_since_it_makes_no_action(client, world):
    sign_in(client, world.admin)
    assert "Not an action" in client.get("/admin/timescales/").text
    limit = rule("case_review_limit_raised")
    page = client.get(f"/admin/timescales/{limit.id}/edit").text
    assert 'name="acpc_grace_offset"' not in page
    assert "it is the latest a case review may set the next one" in page
    response = client.post(
        f"/admin/timescales/{limit.id}/edit",
        data={"due_offset": "5", "due_unit": "CALENDAR_DAYS", "version_id": str(limit.version_id)},
    )
    assert response.status_code in (302, 303), response.text
    changed = rule("case_review_limit_raised")
    assert (changed.due_offset, changed.due_unit, changed.acpc_grace_offset) == (5, CD, 12)
