import json
from itertools import combinations

from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.domain.duplicates import may_be_one_child
from yoi_welfare.people.duplicates import Details
from yoi_welfare.people.models import Placement, YoungPerson


def counts():
    session = db.session()
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Area, Agency, YoungPerson, Placement)
    }


def test_demo_data_loads_once_and_lists_accounts(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Loaded demo data." in result.output
    first = counts()
    assert first["Area"] >= 3 and first["YoungPerson"] >= 40
    kinds = set(db.session().exec(select(Agency.kind)).all())
    assert {
        AgencyKind.YOT,
        AgencyKind.ACPC,
        AgencyKind.YOI,
        AgencyKind.STC,
        AgencyKind.SCH,
    } <= kinds

    again = runner.invoke(args=["demo-data", "--json"])
    assert again.exit_code == 0
    db.session().rollback()
    assert counts() == first
    accounts = json.loads(again.output)
    assert {a["role"] for a in accounts} == {r.value for r in Role}
    assert set(accounts[0]) == {"email", "role", "agency", "area"}


def test_demo_accounts_can_sign_in(app, client):
    app.test_cli_runner().invoke(args=["demo-data"])
    response = client.post(
        "/sign-in",
        data={"email": "officer.northmoor@yot.example.org", "password": "demo-password-2026"},
    )
    assert response.status_code in (302, 303)
    assert "Northmoor YOT" in client.get("/").text


def test_demo_data_refuses_to_run_in_production(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "refuses to run when YOI_WELFARE_ENV=production" in result.output
    assert counts()["Area"] == 0


def test_demo_placements_are_all_in_the_past_and_in_order(app):
    from datetime import UTC, datetime

    app.test_cli_runner().invoke(args=["demo-data"])
    now = datetime.now(UTC)
    for placement in db.session().exec(select(Placement)):
        assert placement.admitted_at <= now
        assert placement.left_at is None or placement.admitted_at < placement.left_at <= now


def test_demo_children_are_held_only_where_children_of_their_sex_and_age_are(app):
    from zoneinfo import ZoneInfo

    from yoi_welfare.domain.estate import outside
    from yoi_welfare.domain.placements import MINIMUM_AGE, age_on

    app.test_cli_runner().invoke(args=["demo-data"])
    rows = db.session().exec(
        select(Placement, YoungPerson, Agency)
        .join(YoungPerson, YoungPerson.id == Placement.young_person_id)
        .join(Agency, Agency.id == Placement.establishment_id)
    )
    girls_in_yois = []
    for placement, child, establishment in rows:
        on = placement.admitted_at.astimezone(ZoneInfo("Europe/London")).date()
        age = age_on(child.date_of_birth, on)
        assert age >= MINIMUM_AGE
        assert outside(establishment.holds, child.sex.value, age) == [], (
            f"{child.sex.value} aged {age} at {establishment.name}"
        )
        girls_in_yois += (
            [child] if establishment.kind is AgencyKind.YOI and child.sex.value == "FEMALE" else []
        )
    assert girls_in_yois == []


def test_demo_data_holds_one_likely_duplicate_pair(app):
    app.test_cli_runner().invoke(args=["demo-data"])
    children = db.session().exec(select(YoungPerson)).all()
    pairs = [
        (a.local_reference, b.local_reference)
        for a, b in combinations(children, 2)
        if may_be_one_child(Details.of(a).as_tuple(), Details.of(b).as_tuple())
    ]
    assert len(pairs) == 1
    assert pairs[0][1].endswith("-1900")
    # The pair is one an administrator can merge.
    kept, duplicate = pairs[0]
    area = kept.split("-")[0]
    result = app.test_cli_runner().invoke(
        args=[
            "children",
            "merge",
            "--duplicate",
            duplicate,
            "--area",
            area,
            "--into",
            kept,
            "--reason",
            "Registered twice",
            "--by",
            "admin@yoi-welfare.example.org",
        ]
    )
    assert result.exit_code == 0, result.output


def test_no_demo_child_is_both_screened_and_not(app):
    """A screening due is met only by a submitted screening: the child's page lists the action
    as completed exactly when it lists a screening, and the caseload shows its level."""
    from yoi_welfare.actions.models import WelfareAction
    from yoi_welfare.screenings.models import ScreeningStatus, WelfareScreening
    from yoi_welfare.screenings.queries import SCREENING_DUE

    app.test_cli_runner().invoke(args=["demo-data"])
    session = db.session()
    met = session.exec(
        select(WelfareAction.young_person_id, WelfareAction.completed_at).where(
            WelfareAction.kind == SCREENING_DUE, WelfareAction.completed_at.is_not(None)
        )
    ).all()
    assert len(met) >= 10
    submitted = {}
    for child_id, at in session.exec(
        select(WelfareScreening.young_person_id, WelfareScreening.submitted_at).where(
            WelfareScreening.status == ScreeningStatus.SUBMITTED
        )
    ):
        submitted.setdefault(child_id, []).append(at)
    for child_id, completed_at in met:
        assert any(at <= completed_at for at in submitted.get(child_id, [])), (
            f"child {child_id}: screening due met {completed_at} with no screening submitted"
        )
