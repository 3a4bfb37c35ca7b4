"""The access policy: each role sees its own children and nothing else, in lists and by URL."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import World, create_child, create_placement, sign_in
from yoi_welfare import db
from yoi_welfare.audit.models import AuditEvent


@pytest.fixture
def world(app):
    world = World()
    world.ours = create_child(world.area, given_name="Ours", family_name="Northmoor")
    world.theirs = create_child(world.other_area, given_name="Theirs", family_name="Riverside")
    create_placement(world.ours, world.yoi)
    create_placement(world.theirs, world.other_yoi)
    return world


ROLES = ["officer", "staff", "acpc_member"]


@pytest.mark.parametrize("role", ROLES)
def test_home_page_lists_own_children_only(client, world, role):
    sign_in(client, getattr(world, role))
    page = client.get("/").text
    assert "Ours Northmoor" in page
    assert "Theirs Riverside" not in page


@pytest.mark.parametrize("role", ROLES)
def test_home_page_lists_come_a_page_at_a_time(app, client, world, role):
    app.config["PAGE_SIZE"] = 2
    for name in ("Aa", "Bb"):
        child = create_child(world.area, given_name="Paged", family_name=name)
        create_placement(child, world.yoi)
    sign_in(client, getattr(world, role))
    first, second = client.get("/").text, client.get("/?page=2").text
    assert "(3)" in first  # how many in all, whichever page is shown
    assert first.count("Paged ") == 2 and "Ours Northmoor" not in first
    assert "Ours Northmoor" in second and "Paged " not in second
    assert "page=2" in first


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_own_children_only(client, world, role):
    sign_in(client, getattr(world, role))
    everything = client.get("/children").text
    assert "Ours Northmoor" in everything
    assert "Theirs Riverside" not in everything
    assert "1 child" in everything
    assert "0 children" in client.get("/children?q=Riverside").text


@pytest.mark.parametrize("role", ROLES)
def test_another_area_or_establishments_child_is_not_found_and_audited(client, world, role):
    user = getattr(world, role)
    sign_in(client, user)
    assert client.get(f"/children/{world.ours.id}").status_code == 200
    response = client.get(f"/children/{world.theirs.id}")
    assert response.status_code == 404
    assert "Page not found" in response.text
    denied = db.session().exec(select(AuditEvent).where(AuditEvent.action == "access_denied")).one()
    assert denied.user_id == user.id
    assert denied.young_person_id == world.theirs.id
    assert denied.outcome == "denied"


def test_a_nonexistent_child_looks_the_same_as_a_forbidden_one(client, world):
    sign_in(client, world.officer)
    missing = client.get("/children/999999")
    forbidden = client.get(f"/children/{world.theirs.id}")
    assert missing.status_code == forbidden.status_code == 404

    def main(response):
        return response.text.split("<main", 1)[1].split("</main>", 1)[0]

    assert main(missing) == main(forbidden)


def test_every_view_of_a_childs_page_is_audited(client, world):
    sign_in(client, world.officer)
    client.get(f"/children/{world.ours.id}")
    client.get(f"/children/{world.ours.id}")
    views = db.session().exec(select(AuditEvent).where(AuditEvent.action == "child_viewed")).all()
    assert [v.young_person_id for v in views] == [world.ours.id, world.ours.id]
    assert all(v.user_id == world.officer.id for v in views)


def test_administrator_sees_no_child(client, world):
    sign_in(client, world.admin)
    assert client.get("/children").status_code == 403
    assert client.get(f"/children/{world.ours.id}").status_code == 403


def test_establishment_keeps_read_only_sight_of_a_child_who_has_left(client, world):
    now = datetime.now(UTC)
    moved = create_child(world.area, given_name="Moved", family_name="On")
    create_placement(
        moved, world.other_yoi, admitted_at=now - timedelta(days=9), left_at=now - timedelta(days=2)
    )
    create_placement(moved, world.yoi, admitted_at=now - timedelta(days=2))
    sign_in(client, world.other_staff)
    page = client.get(f"/children/{moved.id}")
    assert page.status_code == 200
    assert "Transfer" not in page.text
    assert client.get(f"/children/{moved.id}/transfer").status_code == 404
    assert client.get(f"/children/{moved.id}/release").status_code == 404
    assert "Moved On" not in client.get("/").text  # not held now


def test_officer_of_another_area_cannot_register_into_our_area(client, world):
    sign_in(client, world.other_officer)
    response = client.post(
        "/children/new",
        data={"given_name": "X", "family_name": "Y", "home_area": str(world.area.id)},
    )
    assert "Select an option from the list" in response.text


def test_the_childs_page_links_to_who_has_seen_it_for_yot_managers_only(app, client, world):
    from tests.factories import create_user

    manager = create_user(world.yot, is_manager=True)
    sign_in(client, manager)
    page = client.get(f"/children/{world.ours.id}").text
    assert f'href="/children/{world.ours.id}/access-log"' in page
    officer = app.test_client()
    sign_in(officer, world.officer)
    assert "Who has seen this record" not in officer.get(f"/children/{world.ours.id}").text


@pytest.mark.parametrize("role", ROLES)
def test_statements_built_once_still_show_each_viewer_their_own_children(app, world, role):
    # The lists and the child's page reuse statements built on the first request; the viewer's
    # agency, area and date are bound on every request, so taking turns shows no one else's child.
    ours, theirs = app.test_client(), app.test_client()
    sign_in(ours, getattr(world, role))
    sign_in(theirs, getattr(world, f"other_{role}"))
    for _ in range(2):
        for client, own, other in (
            (ours, world.ours, world.theirs),
            (theirs, world.theirs, world.ours),
        ):
            home = client.get("/").text
            assert own.given_name in home and other.given_name not in home
            assert client.get(f"/children/{own.id}").status_code == 200
            assert client.get(f"/children/{other.id}").status_code == 404
