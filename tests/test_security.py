"""Hardening that holds for every route: headers, access by id, and ignoring undeclared fields.

The route walks are generated from app.url_map, so a new route is covered the day it is added; a
route whose URL takes an id of a kind this module does not know fails until it is added to
OBJECT_IDS below.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlmodel import func, select

from tests.factories import (
    PASSWORD,
    World,
    create_child,
    create_placement,
    create_screening,
    create_user,
    sign_in,
)
from yoi_welfare import create_app, db
from yoi_welfare.access import Permission, has_permission
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.people.models import Placement, YoungPerson

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
DENIALS = ("access_denied", "permission_denied")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    """The World, plus one object of every kind, all belonging to Northmoor and Ashgrove YOI."""
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    world = World()
    world.manager = create_user(world.yot, name="Mina Manager", is_manager=True)
    world.other_manager = create_user(world.other_yot, is_manager=True)
    world.yoi_manager = create_user(world.yoi, name="Safer Custody Manager", is_manager=True)
    world.child = create_child(world.area, given_name="Ours", family_name="Northmoor")
    world.placement = create_placement(world.child, world.yoi, admitted_at=NOW - timedelta(days=2))
    return world


def _action_id(world) -> int:
    from tests.factories import create_action

    return create_action(world.child, world.yot).id


def _timescale_rule_id(world) -> int:
    from yoi_welfare.actions.models import TimescaleRule

    return db.session().exec(select(TimescaleRule.id).order_by(TimescaleRule.id)).first()


def _released_placement_id(world) -> int:
    """An earlier stay of the world's child at Ashgrove, ended by a release."""
    from tests.factories import create_placement
    from yoi_welfare.people.models import LeavingReason

    return create_placement(
        world.child,
        world.yoi,
        admitted_at=NOW - timedelta(days=300),
        left_at=NOW - timedelta(days=200),
        leaving_reason=LeavingReason.RELEASE,
    ).id


def _escalation_id(world) -> int:
    from tests.factories import create_action
    from yoi_welfare.domain.timescales import EscalationLevel
    from yoi_welfare.escalations.models import Escalation

    overdue = create_action(world.child, world.yot, due_at=NOW - timedelta(days=3))
    escalation = Escalation(
        action_id=overdue.id,
        level=EscalationLevel.ACPC,
        agency_id=world.acpc.id,
        became_due_at=NOW - timedelta(days=1),
    )
    db.session().add(escalation)
    db.session().commit()
    return escalation.id


def _report_id(world) -> int:
    import hashlib

    from yoi_welfare.reports.models import EscalationReport

    pdf = b"%PDF-1.4 a stand-in: the matrix needs a row, not a rendering"
    report = EscalationReport(
        area_id=world.area.id,
        week="2026-W47",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=1,
        size_bytes=len(pdf),
    )
    db.session().add(report)
    db.session().commit()
    return report.id


def _note_id(world) -> int:
    from yoi_welfare.custody.models import CustodyWelfareNote, NoteCategory

    return _saved(
        CustodyWelfareNote(
            young_person_id=world.child.id,
            establishment_id=world.yoi.id,
            category=NoteCategory.DAILY_WELFARE,
            text="Settled on the wing.",
            author_id=world.staff.id,
        )
    )


def _alert_id(world) -> int:
    from yoi_welfare.alerts.models import Alert, AlertCode

    return _saved(
        Alert(
            young_person_id=world.child.id,
            code=AlertCode.OTHER,
            description="Speaks only Welsh when upset",
            active_from=NOW,
            raised_by_id=world.officer.id,
        )
    )


def _flag_id(world) -> int:
    from yoi_welfare.self_harm.models import ObservationLevel, RiskLevel, SelfHarmFlag
    from yoi_welfare.self_harm.queries import dao_open_flag

    made = dao_open_flag(world.child.id)  # for <approval_id>, if it came first
    if made is not None:
        return made.id
    return _saved(
        SelfHarmFlag(
            young_person_id=world.child.id,
            concern="Said they cannot cope.",
            risk_level=RiskLevel.RAISED,
            observation_level=ObservationLevel.HOURLY,
            opened_at=NOW - timedelta(hours=2),
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
        )
    )


def _approval_id(world) -> int:
    from yoi_welfare.approvals.models import Approval
    from yoi_welfare.self_harm.models import CaseReview, ObservationLevel, RiskLevel
    from yoi_welfare.self_harm.services import APPROVAL_KIND

    review = CaseReview(
        flag_id=_flag_id(world),
        held_at=NOW - timedelta(hours=1),
        establishment_id=world.yoi.id,
        attendees=[],
        yot_attended=False,
        outcome="Close the flag.",
        previous_risk_level=RiskLevel.HIGH,
        risk_level=RiskLevel.HIGH,
        previous_observation_level=ObservationLevel.HOURLY,
        observation_level=ObservationLevel.HOURLY,
        closes_flag=True,
        recorded_by_id=world.staff.id,
    )
    _saved(review)
    return _saved(
        Approval(
            kind=APPROVAL_KIND,
            subject_type="self_harm_case_review",
            subject_id=review.id,
            young_person_id=world.child.id,
            approver_agency_id=world.yoi.id,
            summary="Close the flag while the risk is high",
            requested_by_id=world.staff.id,
            requested_at=NOW - timedelta(hours=1),
        )
    )


def _change_id(world) -> int:
    from yoi_welfare.accounts.models import Role
    from yoi_welfare.actions.rule_changes import KIND
    from yoi_welfare.approvals.models import Approval

    asker = create_user(world.yot, Role.ADMINISTRATOR)
    return _saved(
        Approval(
            kind=KIND,
            subject_type="timescale_rule",
            subject_id=_timescale_rule_id(world),
            summary="Lengthen the rule “Welfare screening”: due after 2 working days",
            proposed={
                "due_offset": 2,
                "due_unit": "WORKING_DAYS",
                "acpc_grace_offset": 2,
                "acpc_grace_unit": "WORKING_DAYS",
            },
            requested_by_id=asker.id,
            requested_at=NOW - timedelta(hours=1),
        )
    )


def _review_id(world) -> int:
    from yoi_welfare.reviews.models import (
        MeetingReason,
        PlacementOutcome,
        PlacementReview,
        ReviewKind,
    )

    return _saved(
        PlacementReview(
            young_person_id=world.child.id,
            kind=ReviewKind.PLACEMENT_MDM,
            reason=MeetingReason.RISK_TO_SELF,
            establishment_id=world.yoi.id,
            held_at=NOW - timedelta(days=1),
            attendees="Wing officer, YOT officer",
            yot_attended=True,
            outcome=PlacementOutcome.REMAIN,
            summary="Stays on the wing with more contact.",
            recorded_by_id=world.staff.id,
        )
    )


def _export_id(world) -> int:
    from yoi_welfare.governance.models import ExportStatus, SubjectAccessExport

    return _saved(
        SubjectAccessExport(
            young_person_id=world.child.id,
            requester="The young person",
            status=ExportStatus.READY,
            produced_at=NOW,
            pdf=b"%PDF-1.4 a stand-in",
            document="{}",
            page_count=1,
        )
    )


def _retention_review_id(world) -> int:
    from yoi_welfare.governance.models import RetentionReview

    return _saved(
        RetentionReview(
            young_person_id=world.child.id,
            area_id=world.area.id,
            local_reference=world.child.local_reference,
            retain_until=NOW.date(),
        )
    )


def _pack_id(world) -> int:
    import hashlib
    from datetime import date

    from yoi_welfare.continuity.models import ContinuityPack

    pdf = b"%PDF-1.4 a stand-in: the matrix needs a row, not a rendering"
    return _saved(
        ContinuityPack(
            establishment_id=world.yoi.id,
            evening=date(2026, 11, 23),
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            page_count=1,
            size_bytes=len(pdf),
            child_ids=[world.child.id],
        )
    )


def _notification_id(world) -> int:
    from yoi_welfare.notifications.models import Notification

    return _saved(
        Notification(
            user_id=world.manager.id,
            young_person_id=world.child.id,
            subject="Child admitted",
            body_text="Ashgrove YOI has admitted a child of your area.",
            path=f"/children/{world.child.id}",
            purpose="An admission, told to the child's YOT",
        )
    )


def _saved(row) -> int:
    db.session().add(row)
    db.session().commit()
    return row.id


# What each id in a URL names, made on first use: every object belongs to the world's Northmoor
# YOT, ACPC and Ashgrove YOI (or, for administration, is a user or rule an administrator manages).
OBJECT_IDS: dict[str, Callable[[World], int]] = {
    "child_id": lambda world: world.child.id,
    "placement_id": lambda world: world.placement.id,
    "released_placement_id": _released_placement_id,
    "action_id": _action_id,
    "user_id": lambda world: world.officer.id,
    "agency_id": lambda world: world.yot.id,
    "establishment_id": lambda world: world.yoi.id,
    "area_id": lambda world: world.area.id,
    "rule_id": _timescale_rule_id,
    "escalation_id": _escalation_id,
    "report_id": _report_id,
    "note_id": _note_id,
    "flag_id": _flag_id,
    "alert_id": _alert_id,
    "review_id": _review_id,
    "screening_id": lambda world: create_screening(world.child, world.officer).id,
    "section": lambda world: "physical-health",
    "key": lambda world: "open_and_overdue",
    "agreement_id": lambda world: world.agreement.id,
    "export_id": _export_id,
    "retention_review_id": _retention_review_id,
    "approval_id": _approval_id,
    "change_id": _change_id,
    "pack_id": _pack_id,
    "notification_id": _notification_id,
}


class Urls:
    def __init__(self, world):
        self.world = world
        self.ids: dict[str, int] = {}

    def for_rule(self, rule) -> str:
        values = {}
        for argument in rule.arguments:
            if argument == "filename":
                continue
            if argument not in OBJECT_IDS:
                pytest.fail(
                    f"{rule.rule} takes <{argument}>: add a maker for it to OBJECT_IDS in "
                    "tests/test_security.py so the access matrix covers the route"
                )
            if argument not in self.ids:
                self.ids[argument] = OBJECT_IDS[argument](self.world)
            values[argument] = self.ids[argument]
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        return path


def _routes(app, with_ids: bool):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        if ("<int:" in rule.rule) == with_ids:
            yield rule


def _clients(app, users: dict[str, User]) -> dict:
    clients = {}
    for name, user in users.items():
        client = app.test_client()
        sign_in(client, user)
        clients[name] = client
    return clients


def _denials_by(user: User) -> list[AuditEvent]:
    db.session().rollback()
    return list(
        db.session().exec(
            select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.action.in_(DENIALS))
        )
    )


# The access matrix ----------------------------------------------------------------------------


def test_every_route_with_an_id_refuses_users_of_other_agencies_and_roles(app, world):
    """Each route that takes an id, asked by every user with no part in the object: 404 if
    their role may use the route, 403 if it may not, and either way a denial in the audit trail.
    """
    urls = Urls(world)
    practitioners_of_other_agencies = {
        "other_officer": world.other_officer,
        "other_manager": world.other_manager,
        "other_acpc_member": world.other_acpc_member,
        "other_staff": world.other_staff,
    }
    own_practitioners = {
        "officer": world.officer,
        "manager": world.manager,
        "yoi_manager": world.yoi_manager,
        "acpc_member": world.acpc_member,
        "staff": world.staff,
    }
    everyone = {**practitioners_of_other_agencies, **own_practitioners, "admin": world.admin}
    clients = _clients(app, everyone)
    routes = list(_routes(app, with_ids=True))
    assert len(routes) >= 5, "the matrix should see the routes that take ids"
    wrong = []
    checked = 0
    for rule in routes:
        needs = app.view_functions[rule.endpoint].required_permissions
        if Permission.ADMINISTER in needs:
            outsiders = {**practitioners_of_other_agencies, **own_practitioners}
        else:
            outsiders = dict(practitioners_of_other_agencies)
            if not all(has_permission(world.admin, p) for p in needs):
                outsiders["admin"] = world.admin
        url = urls.for_rule(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            for name, user in outsiders.items():
                allowed_by_role = all(has_permission(user, p) for p in needs)
                expected = 404 if allowed_by_role else 403
                before = len(_denials_by(user))
                response = clients[name].open(url, method=method, data={})
                denials = _denials_by(user)
                checked += 1
                if response.status_code != expected or len(denials) != before + 1:
                    wrong.append(
                        f"{method} {url} as {name}: {response.status_code} "
                        f"(expected {expected}), {len(denials) - before} denial events"
                    )
                elif denials[-1].outcome != "denied":
                    wrong.append(f"{method} {url} as {name}: denial not marked denied")
    assert wrong == []
    assert checked > 20


def test_the_matrix_world_is_seen_by_its_own_users(app, world):
    """The other half: the objects the matrix uses are reachable by the people they belong to,
    so a 404 above means refusal, not a broken URL."""
    urls = Urls(world)
    clients = _clients(
        app,
        {
            "manager": world.manager,
            "yoi_manager": world.yoi_manager,
            "staff": world.staff,
            "acpc_member": world.acpc_member,
            "admin": world.admin,
        },
    )
    unreachable = []
    for rule in _routes(app, with_ids=True):
        if "GET" not in rule.methods:
            continue
        url = urls.for_rule(rule)
        if not any(_reached(client.get(url)) for client in clients.values()):
            unreachable.append(url)
    assert unreachable == []


def _reached(response) -> bool:
    """The page, or where it leads (opening a notification leads to what it is about)."""
    if response.status_code in (302, 303):
        return not response.location.startswith("/sign-in")
    return response.status_code == 200


# Headers on every response ----------------------------------------------------------------------


def assert_security_headers(response, url: str, static: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in (
        "script-src 'self' 'nonce-",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, f"{url}: CSP lacks {directive}"
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    if not static:
        assert headers.get("Cache-Control") == "no-store", url


# Reached by a signed-in user only as a redirect; rendered in tests/test_accounts.py.
REDIRECT_ONLY = {
    "accounts.security_code",
    "accounts.set_up_second_factor",
    "notifications.open_notification",  # leads to what the notification is about
}
# 503 until the scheduler has run its jobs; tests/test_scheduler.py reaches its 200.
UNHEALTHY_HERE = {"web.scheduler_health"}


def test_every_get_route_sends_the_security_headers(app, world):
    urls = Urls(world)
    clients = _clients(
        app,
        {
            "manager": world.manager,
            "yoi_manager": world.yoi_manager,
            "staff": world.staff,
            "acpc_member": world.acpc_member,
            "admin": world.admin,
        },
    )
    clients["signed out"] = app.test_client()
    never_ok = []
    for rule in [*_routes(app, with_ids=False), *_routes(app, with_ids=True)]:
        if "GET" not in rule.methods:
            continue
        url = urls.for_rule(rule)
        statuses = []
        for client in clients.values():
            response = client.get(url)
            assert_security_headers(response, url)
            statuses.append(response.status_code)
        if 200 not in statuses and rule.endpoint not in REDIRECT_ONLY | UNHEALTHY_HERE:
            never_ok.append(url)
    assert never_ok == []


def test_static_files_send_the_security_headers(app, client):
    files = [p for p in Path(app.static_folder).rglob("*") if p.is_file()]
    if not files:
        pytest.skip("no static files built")
    path = files[0].relative_to(app.static_folder).as_posix()
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert_security_headers(response, path, static=True)


def test_error_responses_send_the_security_headers(app, world):
    officer = app.test_client()
    sign_in(officer, world.officer)
    assert_security_headers(officer.get("/no/such/page"), "404")
    assert_security_headers(officer.get("/admin/"), "403")
    assert_security_headers(officer.get("/sign-out"), "405")
    app.config["SIGN_IN_RATE_LIMIT"] = "1 per minute"
    anonymous = app.test_client()
    anonymous.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    throttled = anonymous.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    assert throttled.status_code == 429
    assert_security_headers(throttled, "429")

    def broken():
        raise RuntimeError("boom")

    app.view_functions["home.index"] = broken
    failed = officer.get("/")
    assert failed.status_code == 500
    assert_security_headers(failed, "500")


def test_production_adds_hsts(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    production = create_app({"ENV_NAME": "production", "DATABASE_URL": database_url})
    with production.app_context():
        response = production.test_client().get("/sign-in")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    production.extensions["db_engine"].dispose()


# Mass assignment: posted fields a form does not declare are ignored ---------------------------

EXTRAS = {
    "id": "999",
    "role": Role.ADMINISTRATOR.value,
    "agency_id": "1",
    "is_manager": "y",
    "active": "false",
    "session_version": "77",
    "version": "77",
    "mfa_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "password_hash": "x",
    "email": "attacker@example.org",
    "created_by_id": "1",
    "owner_agency_id": "1",
    "young_person_id": "1",
    "home_area_id": "1",
    "establishment_id": "1",
    "admitted_by_id": "1",
}


def _fresh(model, id_):
    db.session().rollback()
    db.session().expire_all()
    return db.session().get(model, id_)


def test_changing_ones_password_changes_nothing_else(client, world):
    sign_in(client, world.officer)
    extras = {**EXTRAS, "agency_id": str(world.other_yot.id)}
    response = client.post(
        "/account/password",
        data={**extras, "current_password": PASSWORD, "new_password": "tangerine kettle rowboat"},
    )
    assert response.status_code in (302, 303)
    user = _fresh(User, world.officer.id)
    assert (user.role, user.agency_id, user.is_manager, user.active) == (
        Role.YOT_OFFICER,
        world.yot.id,
        False,
        True,
    )
    assert (user.email, user.mfa_secret, user.session_version) == (world.officer.email, None, 1)


def test_an_administrators_change_form_sets_only_its_own_fields(client, world):
    sign_in(client, world.admin)
    data = {
        **EXTRAS,
        "role": Role.YOT_OFFICER.value,
        "agency": str(world.yot.id),
        "version": "0",
        "is_manager": "y",
    }
    assert client.post(f"/admin/users/{world.officer.id}", data=data).status_code in (302, 303)
    user = _fresh(User, world.officer.id)
    assert user.is_manager  # declared, so changed
    assert (user.email, user.active, user.mfa_secret, user.session_version) == (
        world.officer.email,
        True,
        None,
        0,
    )
    assert user.password_hash != "x"


def test_creating_a_user_sets_only_the_declared_fields(client, world):
    sign_in(client, world.admin)
    data = {
        **EXTRAS,
        "name": "Eve",
        "email": "eve@example.org",
        "role": Role.YOT_OFFICER.value,
        "agency": str(world.yot.id),
        "password": "tangerine kettle rowboat",
    }
    data.pop("is_manager")
    assert client.post("/admin/users/new", data=data).status_code in (302, 303)
    db.session().rollback()
    user = db.session().exec(select(User).where(User.email == "eve@example.org")).one()
    assert user.id != 999 and user.active and not user.is_manager
    assert (user.mfa_secret, user.session_version, user.version) == (None, 0, 0)


def test_registering_a_child_ignores_owner_fields(client, world):
    sign_in(client, world.officer)
    data = {
        **EXTRAS,
        "created_by_id": str(world.other_officer.id),
        "home_area_id": str(world.other_area.id),
        "given_name": "Jordan",
        "family_name": "Ellis",
        "date_of_birth": ["14", "3", "2010"],
        "sex": "MALE",
        "ethnicity": "White",
        "local_reference": "NTH-0042",
        "home_area": str(world.area.id),
        "legal_status": "REMAND",
        "looked_after": "no",
        "child_protection_plan": "no",
    }
    assert client.post("/children/new", data=data).status_code in (302, 303)
    db.session().rollback()
    child = db.session().exec(select(YoungPerson).where(YoungPerson.family_name == "Ellis")).one()
    assert child.id != 999
    assert (child.created_by_id, child.home_area_id) == (world.officer.id, world.area.id)


def test_admitting_a_child_ignores_establishment_fields(client, world):
    child = create_child(world.area, given_name="New", family_name="Arrival")
    sign_in(client, world.staff)
    data = {
        **EXTRAS,
        "establishment_id": str(world.other_yoi.id),
        "admitted_by_id": str(world.other_staff.id),
        "home_area": str(world.area.id),
        "local_reference": child.local_reference,
        "date_of_birth": [str(d) for d in (child.date_of_birth.day, child.date_of_birth.month)]
        + [str(child.date_of_birth.year)],
        "on_date": ["25", "11", "2026"],
        "at_time": "09:00",
    }
    response = client.post("/admissions/new", data=data)
    assert response.status_code in (302, 303), response.text
    db.session().rollback()
    placement = (
        db.session().exec(select(Placement).where(Placement.young_person_id == child.id)).one()
    )
    assert (placement.establishment_id, placement.admitted_by_id) == (world.yoi.id, world.staff.id)


def test_adding_an_action_ignores_owner_and_child_fields(client, world):
    pytest.importorskip("yoi_welfare.actions.models")
    from yoi_welfare.actions.models import WelfareAction

    other_child = create_child(world.other_area)
    sign_in(client, world.officer)
    data = {
        **EXTRAS,
        "owner_agency_id": str(world.other_yot.id),
        "young_person_id": str(other_child.id),
        "created_by_id": str(world.other_officer.id),
        "completed_at": "2026-11-25T10:00:00Z",
        "title": "Call the family",
        "owner": str(world.yot.id),
        "due_date": ["27", "11", "2026"],
        "due_time": "14:30",
    }
    before = db.session().exec(select(func.count()).select_from(WelfareAction)).one()
    response = client.post(f"/children/{world.child.id}/actions/new", data=data)
    assert response.status_code in (302, 303), response.text
    db.session().rollback()
    action = (
        db.session()
        .exec(select(WelfareAction).where(WelfareAction.title == "Call the family"))
        .one()
    )
    assert db.session().exec(select(func.count()).select_from(WelfareAction)).one() == before + 1
    assert (action.young_person_id, action.owner_agency_id, action.created_by_id) == (
        world.child.id,
        world.yot.id,
        world.officer.id,
    )
    assert action.completed_at is None
