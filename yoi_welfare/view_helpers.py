"""Small pieces every feature's views share."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
from flask import current_app, has_request_context, request
from flask_login import current_user
from markupsafe import Markup

from yoi_welfare import db
from yoi_welfare.accounts.models import Role
from yoi_welfare.dates import utcnow
from yoi_welfare.errors import ServiceError
from yoi_welfare.notifications.services import dao_unread_count
from yoi_welfare.paging import Page

URLS_REMEMBERED = 20_000


def url_for(endpoint: str, **values) -> str:
    """Flask's ``url_for``, remembered for each endpoint and values (templates use this one).

    Building a URL through the routing map took about 10 microseconds, and a page of 25
    children builds some 90 of them; the same links come round again on the next page.
    Relative endpoints and options (``_external`` and the like) are built each time.
    """
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return flask.url_for(endpoint, **values)
    root = request.script_root if has_request_context() else None
    key = (root, endpoint, *sorted(values.items()))
    remembered = current_app.extensions.setdefault("urls", {})
    try:
        return remembered[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list, say)
        return flask.url_for(endpoint, **values)
    if len(remembered) >= URLS_REMEMBERED:
        remembered.clear()
    url = remembered[key] = flask.url_for(endpoint, **values)
    return url


def page_number() -> int:
    """The ?page= number, 1 when missing or nonsense."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def show_error(form, error: ServiceError) -> None:
    """Undo the unit of work and show the service's message on its field (or above the form)."""
    db.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers to link to, GOV.UK style: the first, the last, and the current page with
    its neighbours; None where pages are left out (an ellipsis)."""
    shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] == 2:
            numbers.append(number - 1)  # one left-out page is shown rather than an ellipsis
        elif numbers and number - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


def pagination(results: Page, endpoint: str, args: dict | None = None) -> dict | None:
    """govukPagination's parameters for a paged list (None if it has one page), keeping the
    list's filters (``args``) in every link."""
    if results.pages <= 1:
        return None
    args = {key: value for key, value in (args or {}).items() if value not in (None, "")}

    def href(number: int) -> str:
        return url_for(endpoint, page=number, **args)

    page = min(results.page, results.pages)
    previous = min(results.page - 1, results.pages)  # past the end, the last page
    return {
        "previous": {"href": href(previous)} if previous >= 1 else None,
        "next": {"href": href(page + 1)} if page < results.pages else None,
        "items": [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": href(number), "current": number == results.page}
            for number in page_numbers(page, results.pages)
        ],
    }


@dataclass(frozen=True)
class _MenuItem:
    endpoint: str
    text: str
    shown: Callable[[Any], bool]
    active: Callable[[str], bool]


def _not_admin(user) -> bool:
    return user.role is not Role.ADMINISTRATOR


_MENU = (
    _MenuItem(
        "admin.index",
        "Administration",
        lambda user: user.role is Role.ADMINISTRATOR,
        lambda path: path.startswith("/admin") and not path.startswith("/admin/timescales"),
    ),
    _MenuItem(
        "timescales.index",
        "Timescale rules",
        lambda user: user.role is Role.ADMINISTRATOR,
        lambda path: path.startswith("/admin/timescales"),
    ),
    _MenuItem("home.index", "Home", _not_admin, lambda path: path == "/"),
    _MenuItem("people.search", "Children", _not_admin, lambda path: path.startswith("/children")),
    _MenuItem("actions.index", "Actions", _not_admin, lambda path: path.startswith("/actions")),
    _MenuItem(
        "escalations.acpc",
        "Escalations",
        lambda user: user.role is Role.ACPC_MEMBER,
        lambda path: path.startswith("/acpc/escalations"),
    ),
    _MenuItem(
        "reports.archive",
        "Weekly reports",
        lambda user: user.role is Role.ACPC_MEMBER,
        lambda path: path.startswith("/acpc/reports"),
    ),
    _MenuItem(
        "escalations.agency",
        "Escalations",
        lambda user: user.is_manager and user.role in (Role.YOT_OFFICER, Role.ESTABLISHMENT_STAFF),
        lambda path: path.startswith("/escalations"),
    ),
    _MenuItem(
        "mi.area",
        "Dashboard",
        lambda user: user.role is Role.ACPC_MEMBER,
        lambda path: path.startswith("/acpc/dashboard"),
    ),
    _MenuItem(
        "mi.agency",
        "Dashboard",
        lambda user: user.is_manager and user.role in (Role.YOT_OFFICER, Role.ESTABLISHMENT_STAFF),
        lambda path: path.startswith("/dashboard"),
    ),
    _MenuItem(
        "people.register",
        "Register a child",
        lambda user: user.role is Role.YOT_OFFICER,
        lambda _path: False,
    ),
    _MenuItem(
        "people.admit",
        "Admit a child",
        lambda user: user.role is Role.ESTABLISHMENT_STAFF,
        lambda path: path.startswith("/admissions"),
    ),
    _MenuItem(
        "continuity.index",
        "Continuity packs",
        lambda user: user.role is Role.ESTABLISHMENT_STAFF,
        lambda path: path.startswith("/continuity-packs"),
    ),
    _MenuItem(
        "notifications.index",
        "Notifications",
        lambda _user: True,
        lambda path: path.startswith("/notifications"),
    ),
)
# Where the signed-in user's unread count goes in the menu rendered once for every user.
_UNREAD = "__unread_count__"

_NAVIGATION_MACRO = "govuk_frontend_jinja/components/service-navigation/macro.html"


def service_navigation() -> Markup:
    """The signed-in user's menu, GOV.UK service navigation, with the current section marked.

    Rendered once per app for each menu and section: the macro cost a tenth of the child's page,
    and what it shows depends only on the user's role and the section.
    """
    if not current_user.is_authenticated:
        return Markup("")
    path = request.path
    shown = tuple(i for i, item in enumerate(_MENU) if item.shown(current_user))
    active = next((i for i in shown if _MENU[i].active(path)), None)
    rendered = current_app.extensions.setdefault("service_navigation", {})
    key = (shown, active)
    if key not in rendered:
        macro = current_app.jinja_env.get_template(_NAVIGATION_MACRO).module
        navigation = [
            {
                "href": url_for(_MENU[i].endpoint),
                # The menu's texts are constants: nothing to escape.
                "html": _MENU[i].text
                + (_UNREAD if _MENU[i].endpoint == "notifications.index" else ""),
                "active": i == active,
            }
            for i in shown
        ]
        rendered[key] = macro.govukServiceNavigation(
            {"navigation": navigation, "attributes": {"aria-label": "Menu"}}
        )
    return rendered[key].replace(_UNREAD, _unread_badge())


def _unread_badge() -> Markup:
    """The signed-in user's unread count, beside "Notifications" in the menu."""
    count = dao_unread_count(current_user, utcnow())
    if not count:
        return Markup("")
    # A number and fixed markup: nothing to escape.
    return Markup(  # noqa: S704  # nosec B704
        f' <strong class="govuk-tag govuk-tag--red app-unread-count" id="unread-count">{count}'
        f'<span class="govuk-visually-hidden"> unread</span></strong>'
    )


def file_download(content: bytes | str, mimetype: str, filename: str) -> flask.Response:
    """A file to save, never shown in the browser or kept in its cache."""
    response = flask.Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Download-Options"] = "noopen"
    return response
