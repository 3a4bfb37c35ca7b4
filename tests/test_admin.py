"""Administrators manage areas, agencies and users, and see no child."""

import pytest
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import PASSWORD, World, create_user, sign_in
from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.audit.models import AuditEvent

GOOD_PASSWORD = "tangerine kettle rowboat"


@pytest.fixture
def world(app):
    return World()


def count(model) -> int:
    return db.session().exec(select(func.count()).select_from(model)).one()


def test_administrator_lists_areas_agencies_and_users(client, world):
    sign_in(client, world.admin)
    response = client.get("/", follow_redirects=True)
    assert "Administration" in response.text
    for text in ("Northmoor", "Riverside YOT", "Cedar Lodge STC", world.officer.email):
        assert text in response.text


def test_the_users_list_comes_a_page_at_a_time(app, client, world):
    app.config["PAGE_SIZE"] = 5
    for n in range(7):
        create_user(world.yot, name=f"Zed Paged {n}")
    total = db.session().exec(select(func.count()).select_from(User)).one()
    sign_in(client, world.admin)

    def names(response) -> list[str]:
        table = BeautifulSoup(response.text, "html.parser").find(id="users")
        return [row.find("a").text for row in table.tbody.find_all("tr")]

    first = client.get("/admin/")
    assert len(names(first)) == 5
    assert f"Users ({total})" in first.text
    pages = -(-total // 5)
    last = client.get(f"/admin/?page={pages}")
    assert "Zed Paged 6" in names(last)
    assert 'href="/admin/?page=' in first.text


def test_administrator_creates_an_area_an_agency_and_a_user(client, world):
    sign_in(client, world.admin)
    response = client.post("/admin/areas/new", data={"code": "est", "name": "Eastvale"})
    assert response.status_code in (302, 303)
    area = db.session().exec(select(Area).where(Area.code == "EST")).one()
    response = client.post(
        "/admin/agencies/new",
        data={"code": "EST-YOT", "name": "Eastvale YOT", "kind": "YOT", "area": str(area.id)},
    )
    assert response.status_code in (302, 303)
    agency = db.session().exec(select(Agency).where(Agency.code == "EST-YOT")).one()
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Eve Officer",
            "email": "Eve@Example.org",
            "role": "YOT_OFFICER",
            "agency": str(agency.id),
            "is_manager": "y",
            "password": "a long enough password",
        },
    )
    assert response.status_code in (302, 303)
    user = db.session().exec(select(User).where(User.email == "eve@example.org")).one()
    assert user.is_manager and user.role is Role.YOT_OFFICER
    page = client.get("/admin/").text
    assert "Eastvale YOT" in page and "eve@example.org" in page


@pytest.mark.parametrize(
    "url, data, message, model",
    [
        ("/admin/areas/new", {"code": "", "name": "X"}, "Enter an area code", Area),
        (
            "/admin/areas/new",
            {"code": "NTH", "name": "Other"},
            "An area with this code already exists",
            Area,
        ),
        ("/admin/areas/new", {"code": "a b", "name": "X"}, "Area code must only include", Area),
        (
            "/admin/areas/new",
            {"code": "X1", "name": "n" * 121},
            "Area name must be 120 characters or fewer",
            Area,
        ),
        (
            "/admin/agencies/new",
            {"code": "Z", "name": "Z YOT", "kind": "YOT", "area": ""},
            "Select the area this agency serves",
            Agency,
        ),
        (
            "/admin/agencies/new",
            {"code": "Z", "name": "Z YOI", "kind": "YOI", "area": "{area}"},
            "An establishment belongs to no area",
            Agency,
        ),
        (
            "/admin/agencies/new",
            {"code": "Z", "name": "Z ACPC", "kind": "ACPC", "area": "{area}"},
            "This area already has an ACPC",
            Agency,
        ),
        (
            "/admin/agencies/new",
            {"code": "Z", "name": "Z", "kind": ""},
            "Select the kind of agency",
            Agency,
        ),
        (
            "/admin/users/new",
            {
                "name": "A",
                "email": "not-an-email",
                "role": "YOT_OFFICER",
                "agency": "{yot}",
                "password": GOOD_PASSWORD,
            },
            "Enter an email address in the correct format",
            User,
        ),
        (
            "/admin/users/new",
            {
                "name": "A",
                "email": "a@example.org",
                "role": "YOT_OFFICER",
                "agency": "{yoi}",
                "password": GOOD_PASSWORD,
            },
            "A yot officer cannot belong to Ashgrove YOI",
            User,
        ),
        (
            "/admin/users/new",
            {
                "name": "A",
                "email": "a@example.org",
                "role": "YOT_OFFICER",
                "agency": "{yot}",
                "password": "short",
            },
            "Password must be between 12 and 256 characters",
            User,
        ),
        (
            "/admin/users/new",
            {
                "name": "A",
                "email": "a@example.org",
                "role": "",
                "agency": "{yot}",
                "password": GOOD_PASSWORD,
            },
            "Select a role",
            User,
        ),
        (
            "/admin/users/new",
            {
                "name": "A",
                "email": "a@example.org",
                "role": "YOT_OFFICER",
                "agency": "99999",
                "password": GOOD_PASSWORD,
            },
            "Select an option from the list",
            User,
        ),
    ],
)
def test_admin_form_errors_save_nothing(client, world, url, data, message, model):
    ids = {"area": world.area.id, "yot": world.yot.id, "yoi": world.yoi.id}
    data = {k: v.format(**ids) for k, v in data.items()}
    before = count(model)
    sign_in(client, world.admin)
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert count(model) == before


@pytest.mark.parametrize("role", ["officer", "staff", "acpc_member"])
def test_practitioners_cannot_use_administration(client, world, role):
    sign_in(client, getattr(world, role))
    assert client.get("/admin/").status_code == 403
    response = client.post("/admin/areas/new", data={"code": "HACK", "name": "Hack"})
    assert response.status_code == 403
    assert count(Area) == 2


# Changing users --------------------------------------------------------------------------------


def _fresh(user: User) -> User:
    db.session().rollback()
    db.session().expire_all()
    return db.session().get(User, user.id)


def _events(action: str) -> list[AuditEvent]:
    db.session().rollback()
    return list(db.session().exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _change(client, user, version, **fields):
    data = {
        "role": user.role.value,
        "agency": str(user.agency_id),
        "version": str(version),
        **fields,
    }
    if user.is_manager and "is_manager" not in fields:
        data["is_manager"] = "y"
    return client.post(f"/admin/users/{user.id}", data=data)


def test_administrator_changes_a_users_role_agency_and_manager_flag(client, world):
    sign_in(client, world.admin)
    page = client.get(f"/admin/users/{world.officer.id}")
    assert page.status_code == 200
    assert "Olive Officer" in page.text and "Northmoor YOT" in page.text
    response = _change(client, world.officer, 0, agency=str(world.other_yot.id), is_manager="y")
    assert response.location == f"/admin/users/{world.officer.id}"
    assert "Olive Officer&#39;s details have been changed" in client.get(response.location).text
    user = _fresh(world.officer)
    assert (user.agency_id, user.is_manager, user.version) == (world.other_yot.id, True, 1)
    (event,) = _events("user_changed")
    assert event.object_id == user.id and event.user_id == world.admin.id
    assert event.detail == f"agency: {world.yot.id} -> {world.other_yot.id}; manager: no -> yes"


def test_a_stale_form_does_not_overwrite_a_newer_change(app, world):
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.admin)
    sign_in(second, world.admin)
    first.get(f"/admin/users/{world.officer.id}")
    second.get(f"/admin/users/{world.officer.id}")
    assert _change(second, world.officer, 0, is_manager="y").status_code in (302, 303)
    stale = _change(first, world.officer, 0, agency=str(world.other_yot.id))
    assert stale.status_code == 200
    assert "Someone else changed this user" in stale.text
    assert "There is a problem" in stale.text
    user = _fresh(world.officer)
    assert (user.agency_id, user.is_manager) == (world.yot.id, True)
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert BeautifulSoup(stale.text, "html5lib").select_one("#version")["value"] == "1"
    assert len(_events("user_changed")) == 1


def test_deactivating_a_user_ends_their_sessions_and_stale_buttons_are_refused(app, world):
    officer, admin = app.test_client(), app.test_client()
    sign_in(officer, world.officer)
    sign_in(admin, world.admin)
    response = admin.post(f"/admin/users/{world.officer.id}/deactivate", data={"version": "0"})
    assert response.location == f"/admin/users/{world.officer.id}"
    assert "has been deactivated" in admin.get(response.location).text
    assert officer.get("/").location.startswith("/sign-in")
    assert not _fresh(world.officer).active
    stale = admin.post(f"/admin/users/{world.officer.id}/reactivate", data={"version": "0"})
    assert "Someone else changed this user" in admin.get(stale.location).text
    assert not _fresh(world.officer).active
    admin.post(f"/admin/users/{world.officer.id}/reactivate", data={"version": "1"})
    assert _fresh(world.officer).active
    sign_in(officer, world.officer)
    assert [len(_events(a)) for a in ("user_deactivated", "user_reactivated")] == [1, 1]


def test_administrator_resets_a_users_second_factor(app, world):
    world.officer.mfa_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    world.officer.mfa_last_timestep = 123
    db.session().commit()
    admin = app.test_client()
    sign_in(admin, world.admin)
    assert "Reset two-factor authentication" in admin.get(f"/admin/users/{world.officer.id}").text
    admin.post(f"/admin/users/{world.officer.id}/reset-two-factor", data={"version": "0"})
    user = _fresh(world.officer)
    assert (user.mfa_secret, user.mfa_last_timestep, user.session_version) == (None, None, 1)
    assert len(_events("user_two_factor_reset")) == 1
    # At their next sign-in they set up a new authenticator.
    app.config["MFA_REQUIRED"] = True
    officer = app.test_client()
    response = officer.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/sign-in/set-up-two-factor"


def test_administrators_cannot_lock_themselves_out(client, world):
    sign_in(client, world.admin)
    response = _change(client, world.admin, 0, role="YOT_OFFICER")
    assert "You cannot change your own role" in response.text
    response = client.post(f"/admin/users/{world.admin.id}/deactivate", data={"version": "0"})
    assert "You cannot deactivate your own account" in client.get(response.location).text
    admin = _fresh(world.admin)
    assert admin.role is Role.ADMINISTRATOR and admin.active


def test_a_role_that_cannot_belong_to_the_agency_is_refused(client, world):
    sign_in(client, world.admin)
    response = _change(client, world.officer, 0, agency=str(world.yoi.id))
    assert "A yot officer cannot belong to Ashgrove YOI" in response.text
    assert _fresh(world.officer).agency_id == world.yot.id


def test_unknown_user_is_not_found(client, world):
    sign_in(client, world.admin)
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate", data={"version": "0"}).status_code == 404


def test_creating_areas_agencies_and_users_is_audited_with_what_was_made(client, world):
    sign_in(client, world.admin)
    client.post("/admin/areas/new", data={"code": "est", "name": "Eastvale"})
    area = db.session().exec(select(Area).where(Area.code == "EST")).one()
    client.post(
        "/admin/agencies/new",
        data={"code": "EST-YOT", "name": "Eastvale YOT", "kind": "YOT", "area": str(area.id)},
    )
    agency = db.session().exec(select(Agency).where(Agency.code == "EST-YOT")).one()
    client.post(
        "/admin/users/new",
        data={
            "name": "Eve",
            "email": "eve@example.org",
            "role": "YOT_OFFICER",
            "agency": str(agency.id),
            "password": GOOD_PASSWORD,
        },
    )
    (area_event,) = _events("area_created")
    (agency_event,) = _events("agency_created")
    (user_event,) = _events("user_created")
    assert area_event.detail == "code: EST"
    assert agency_event.detail == f"code: EST-YOT; kind: YOT; area: {area.id}"
    assert user_event.detail == f"role: YOT_OFFICER; agency: {agency.id}; manager: no"
    assert all(e.user_id == world.admin.id for e in (area_event, agency_event, user_event))
    assert GOOD_PASSWORD not in str([e.content() for e in _events("user_created")])


@pytest.mark.parametrize(
    "password, message",
    [
        ("password123456", "harder to guess"),
        ("welfare team 2026", "name of this service"),
    ],
)
def test_initial_passwords_follow_the_password_policy(client, world, password, message):
    sign_in(client, world.admin)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Eve",
            "email": "eve@example.org",
            "role": "YOT_OFFICER",
            "agency": str(world.yot.id),
            "password": password,
        },
    )
    assert message in response.text
    assert count(User) == 7


# Warnings on the administrators' home page


def _warning(page: str, element_id: str) -> str:
    found = BeautifulSoup(page, "html5lib").find(id=element_id)
    return " ".join(found.get_text().split()) if found else ""


def test_agencies_whose_overdue_work_would_reach_no_manager_are_named(client, world):
    sign_in(client, world.admin)
    warning = _warning(client.get("/admin/").text, "without-manager")
    # No YOT or establishment in the world has a manager yet; ACPCs need none.
    for agency in (world.yot, world.other_yot, world.yoi, world.other_yoi):
        assert agency.name in warning
    assert world.acpc.name not in warning
    assert "4 agencies have no active manager" in warning

    create_user(world.yot, is_manager=True)
    create_user(world.yoi, is_manager=True, active=False)  # deactivated: no one to email
    warning = _warning(client.get("/admin/").text, "without-manager")
    assert world.yot.name not in warning and world.yoi.name in warning
    for agency in (world.other_yot, world.yoi, world.other_yoi):
        create_user(agency, is_manager=True)
    assert _warning(client.get("/admin/").text, "without-manager") == ""


def test_an_establishment_holding_children_it_can_no_longer_see_is_named(client, world):
    from datetime import date, timedelta

    from tests.factories import create_child, create_placement
    from yoi_welfare.dates import london_today

    child = create_child(world.area)
    create_placement(child, world.yoi)
    sign_in(client, world.admin)
    assert _warning(client.get("/admin/").text, "held-unseen") == ""

    # The area's agreement ended yesterday: Ashgrove still holds the child, unseeing.
    world.agreement.ends_on = london_today() - timedelta(days=1)
    world.agreement.starts_on = date(2000, 1, 1)
    db.session().add(world.agreement)
    db.session().commit()
    warning = _warning(client.get("/admin/").text, "held-unseen")
    assert f"{world.yoi.name} (1 child of {world.area.name})" in warning


def test_mail_given_up_on_is_reported(client, world):
    from yoi_welfare.outbox.models import EmailStatus, OutboundEmail
    from yoi_welfare.outbox.services import queue_email

    sign_in(client, world.admin)
    assert _warning(client.get("/admin/").text, "emails-failed") == ""
    for address in ("a@example.org", "b@example.org"):
        queue_email(address, "Subject", "Body")
    db.session().commit()
    assert _warning(client.get("/admin/").text, "emails-failed") == ""  # still being tried
    for email in db.session().exec(select(OutboundEmail)).all():
        email.status = EmailStatus.FAILED
        db.session().add(email)
    db.session().commit()
    warning = _warning(client.get("/admin/").text, "emails-failed")
    assert "2 emails could not be delivered after a day of trying" in warning


def test_an_acpc_with_no_active_member_is_named(client, world):
    sign_in(client, world.admin)
    assert _warning(client.get("/admin/").text, "acpc-without-member") == ""
    world.acpc_member.active = False
    db.session().add(world.acpc_member)
    db.session().commit()
    warning = _warning(client.get("/admin/").text, "acpc-without-member")
    assert "1 ACPC has no active member" in warning and world.acpc.name in warning
    assert world.other_acpc.name not in warning
