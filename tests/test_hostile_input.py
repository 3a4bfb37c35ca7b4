"""Hostile input gives a clear message or "Page not found", never a server error.

A property-based walk of every route: signed in as each role, Hypothesis sends generated values
(control characters, NUL, bidi overrides, non-ASCII digits, ids beyond any integer column,
empty filters, years far in the future, tampered hidden fields) to every form field and query
parameter, and to the ids in the URL. No answer may be a 5xx. The routes and their fields come
from app.url_map and the pages' own forms, so a new route or field is covered the day it is added.
"""

import re

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests import test_security
from tests.factories import (
    PASSWORD,
    create_child,
    sign_in,
)
from tests.test_security import NOW, Urls
from yoi_welfare import db

ROLES = ("officer", "manager", "staff", "acpc_member", "admin")
# Signing out would end the walk's own session; the rest is fair game.
SKIPPED = {"static", "accounts.sign_out"}
# The scheduler's health check says 503 while no scheduler runs, as in these tests.
EXPECTED_5XX = {"web.scheduler_health": 503}
# Query parameters the pages read, besides those of their GET forms.
QUERY_NAMES = ("page", "next", "sort", "order", "kind", "status")
# Examples per role: enough to reach every route several times, few enough to keep the suite short.
EXAMPLES = 120

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\x0b",
            "\r\n",
            "\u202egnp.exe",
            "²",
            "١٢٣",
            "٣٠",
            "１２",
            "9999",
            "-1",
            "0",
            "2147483648",
            "99999999999999999999999",
            "1e9",
            "NaN",
            "%",
            "'; --",
            "<script>",
            "//evil.example",
            "x" * 5000,
        ]
    ),
    st.text(max_size=12),
)
# The access matrix's world (a child of every kind of record), on its frozen clock.
frozen_clock = test_security.frozen_clock
world = test_security.world
HOSTILE_IDS = st.sampled_from(["0", "2147483647", "2147483648", "99999999999999999999"])


def _form_fields(html: str, base: str) -> dict[tuple[str, str], list[str]]:
    """(method, path) → the names of the fields of each form on a page."""
    fields: dict[tuple[str, str], list[str]] = {}
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        method = (form.get("method") or "GET").upper()
        action = (form.get("action") or base).split("?", 1)[0]
        names = {
            element.get("name")
            for element in form.find_all(["input", "select", "textarea", "button"])
            if element.get("name") and element.get("name") != "csrf_token"
        }
        fields.setdefault((method, action), [])
        fields[(method, action)] = sorted(set(fields[(method, action)]) | names)
    return fields


def _routes(app, world) -> list[tuple[object, str]]:
    urls = Urls(world)
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED or "<filename>" in rule.rule:
            continue
        routes.append((rule, urls.for_rule(rule)))
    return routes


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_field_and_parameter_never_give_a_server_error(app, world, role):
    app.config["LOCKOUT_ATTEMPTS"] = 100000  # forms posted with wrong passwords lock no one out
    user = getattr(world, role)
    client = FlaskClient(app, use_cookies=True)
    sign_in(client, user)
    routes = _routes(app, world)
    # Each page's forms tell which fields a route takes.
    fields: dict[tuple[str, str], list[str]] = {}
    for rule, path in routes:
        if "GET" in rule.methods:
            page = client.get(path)
            if page.mimetype == "text/html":
                for key, names in _form_fields(page.text, path).items():
                    fields[key] = sorted(set(fields.get(key, [])) | set(names))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def probe(data):
        rule, path = data.draw(st.sampled_from(routes), label="route")
        method = data.draw(st.sampled_from(sorted(rule.methods & {"GET", "POST"})), label="method")
        if "<int:" in rule.rule and data.draw(st.booleans(), label="hostile ids"):
            path = "/".join(
                data.draw(HOSTILE_IDS) if part.isdigit() else part for part in path.split("/")
            )
        names = fields.get((method, path), [])
        values = {name: data.draw(HOSTILE, label=name) for name in names}
        query = {name: data.draw(HOSTILE, label=name) for name in QUERY_NAMES}
        if method == "GET":
            response = client.get(path, query_string={**query, **values})
        else:
            response = client.post(path, data=values, query_string=query)
        expected = EXPECTED_5XX.get(rule.endpoint)
        assert response.status_code < 500 or response.status_code == expected, (
            f"{method} {path} {query!r} {values!r}"
        )
        if response.status_code in (302, 303) and "/sign-in" in (response.location or ""):
            sign_in(client, user)  # a form posted may have ended the session (a new password)

    probe()


# Exempt: signing in and out, and the administrators' one-button forms, which carry the
# user's version and so are refused when repeated.
NO_TOKEN = re.compile(
    r"^/(sign-in|sign-out|account/password|admin/users/\d+/(deactivate|reactivate|reset-two-factor))"
)


@pytest.mark.parametrize("role", ["officer", "manager", "staff", "acpc_member", "admin"])
def test_every_form_that_writes_carries_a_submission_token(app, world, role):
    client = FlaskClient(app, use_cookies=True)
    sign_in(client, getattr(world, role))
    missing = set()
    for rule, path in _routes(app, world):
        if "GET" not in rule.methods:
            continue
        page = client.get(path)
        if page.mimetype != "text/html":
            continue
        for (method, action), names in _form_fields(page.text, path).items():
            if method == "POST" and not NO_TOKEN.match(action) and "submission_token" not in names:
                missing.add(action)
    assert not missing


# One test per kind of hostile input the outside review found ---------------------------------


def test_a_nul_in_the_sign_in_email_is_refused_on_its_field(client, world):
    response = client.post("/sign-in", data={"email": "a\x00@example.org", "password": "x" * 12})
    assert response.status_code == 200
    assert "Email address must not contain control characters" in response.text


def test_a_control_character_or_bidi_override_in_a_note_is_refused_and_nothing_stored(
    client, world
):
    from yoi_welfare.custody.models import CustodyWelfareNote

    sign_in(client, world.staff)
    for text in ("Called\x00 his nan", "Attached gnp\u202e.exe", "Pasted\x0bfrom Word"):
        response = client.post(
            f"/children/{world.child.id}/notes/new",
            data={"category": "FAMILY_CONTACT", "text": text},
        )
        assert response.status_code == 200
        assert "must not contain" in response.text
        assert "govuk-error-summary" in response.text
    assert db.session().exec(select(CustodyWelfareNote)).all() == []


def test_a_control_character_in_the_query_string_is_a_clear_400(client, world):
    sign_in(client, world.officer)
    for query in ("q=%00", "q=a%0bb", "page=%00", "q=%E2%80%AE"):
        response = client.get(f"/children?{query}")
        assert response.status_code == 400, query
        assert "contains characters the service cannot use" in response.text


def test_non_ascii_digits_in_a_page_number_are_no_page_number(client, world):
    sign_in(client, world.officer)
    for page in ("²", "١٢", "１"):
        assert client.get("/children", query_string={"page": page}).status_code == 200


def test_ids_beyond_the_database_integer_range_are_not_found(client, world):
    sign_in(client, world.officer)
    for child_id in ("2147483648", "99999999999999999999", "١"):
        assert client.get(f"/children/{child_id}").status_code == 404, child_id
    assert client.get("/children/2147483647").status_code == 404


def test_an_empty_filter_is_no_filter(client, world):
    sign_in(client, world.officer)
    response = client.get("/actions?status=&kind=&child=")
    assert response.status_code == 200
    assert "open" in response.text.lower()


def test_a_date_in_year_9999_is_not_a_real_date(client, world):
    from tests.test_people import admission_form

    sign_in(client, world.staff)
    other = create_child(world.area)
    response = client.post(
        "/admissions/new", data=admission_form(other, on_date=["25", "11", "9999"])
    )
    assert response.status_code == 200
    assert "must be a real date" in response.text


def test_a_security_code_typed_in_arabic_indic_digits_is_read_as_the_code(app, client, world):
    from yoi_welfare.accounts import mfa

    world.officer.mfa_secret = mfa.new_secret()
    db.session().add(world.officer)
    db.session().commit()
    client.post("/sign-in", data={"email": world.officer.email, "password": PASSWORD})
    code = mfa.code_for(world.officer.mfa_secret, NOW)
    arabic = "".join(chr(0x0660 + int(digit)) for digit in code)
    response = client.post("/sign-in/security-code", data={"code": arabic})
    assert response.status_code in (302, 303), response.text
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("since", ["²", "99999999999", "-1", "x"])
def test_a_tampered_hidden_field_on_the_placement_meeting_form_is_no_server_error(
    client, world, since
):
    from tests.test_placement_reviews import meeting_form

    sign_in(client, world.staff)
    response = client.post(
        f"/children/{world.child.id}/placement-meetings/new",
        data={**meeting_form(), "since": since},
    )
    assert response.status_code < 500


def test_a_name_with_a_right_to_left_override_is_refused(client, world):
    from tests.test_people import child_form

    sign_in(client, world.officer)
    response = client.post("/children/new", data=child_form(world, family_name="Ellis\u202egnp"))
    assert response.status_code == 200
    assert "must not contain hidden characters that change the direction of text" in response.text
