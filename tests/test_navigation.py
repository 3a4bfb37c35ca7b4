"""The menu: what each role is offered, and the section they are in marked as current."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import World, create_user, sign_in
from yoi_welfare.accounts.models import Role


@pytest.fixture
def world(app):
    return World()


def menu(page: str) -> list[tuple[str, str, bool]]:
    """Each link of the menu: its text, where it goes, and whether it is the current section."""
    soup = BeautifulSoup(page, "html5lib")
    links = soup.select("nav.govuk-service-navigation__wrapper a.govuk-service-navigation__link")
    return [
        (link.get_text(strip=True), link["href"], link.get("aria-current") in ("page", "true"))
        for link in links
    ]


HOME = ("Home", "/", False)
CHILDREN = ("Children", "/children", False)
ACTIONS = ("Actions", "/actions", False)
NOTIFICATIONS = ("Notifications", "/notifications", False)


def current(item):
    return (*item[:2], True)


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        (
            "officer",
            "/",
            [current(HOME), CHILDREN, ACTIONS, ("Register a child", "/children/new", False)],
        ),
        (
            "officer",
            "/children",
            [HOME, current(CHILDREN), ACTIONS, ("Register a child", "/children/new", False)],
        ),
        (
            "manager",
            "/escalations",
            [
                HOME,
                CHILDREN,
                ACTIONS,
                ("Escalations", "/escalations", True),
                ("Dashboard", "/dashboard", False),
                ("Register a child", "/children/new", False),
            ],
        ),
        (
            "staff",
            "/admissions/new",
            [
                HOME,
                CHILDREN,
                ACTIONS,
                ("Admit a child", "/admissions/new", True),
                ("Continuity packs", "/continuity-packs", False),
            ],
        ),
        (
            "acpc_member",
            "/acpc/reports",
            [
                HOME,
                CHILDREN,
                ACTIONS,
                ("Escalations", "/acpc/escalations", False),
                ("Weekly reports", "/acpc/reports", True),
                ("Dashboard", "/acpc/dashboard", False),
            ],
        ),
        (
            "admin",
            "/admin/timescales/",
            [("Administration", "/admin/", False), ("Timescale rules", "/admin/timescales/", True)],
        ),
        (
            "admin",
            "/admin/",
            [("Administration", "/admin/", True), ("Timescale rules", "/admin/timescales/", False)],
        ),
    ],
)
def test_each_role_is_offered_its_own_menu_with_the_current_section_marked(
    client, world, who, path, expected
):
    if who == "manager":
        user = create_user(world.yot, Role.YOT_OFFICER, is_manager=True)
    else:
        user = getattr(world, who)
    sign_in(client, user)
    response = client.get(path)
    assert response.status_code == 200
    assert menu(response.text) == [*expected, NOTIFICATIONS]
    # The same menu again, for another page of another section, is not the first one's.
    assert menu(client.get("/account").text) == [
        (text, href, False) for text, href, _ in [*expected, NOTIFICATIONS]
    ]


def test_no_menu_before_signing_in(client):
    assert menu(client.get("/sign-in").text) == []
