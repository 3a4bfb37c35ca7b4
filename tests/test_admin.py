"""Administrators manage areas, agencies and users, and see no child."""

import pytest
from sqlmodel import func, select

from tests.factories import World, sign_in
from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency, Area


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
                "password": "p" * 12,
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
                "password": "p" * 12,
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
                "password": "p" * 12,
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
                "password": "p" * 12,
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
