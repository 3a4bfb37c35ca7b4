"""Every route either checks permission or is on the short, reviewed list of public ones."""

# Reviewed: each of these must be reachable without signing in.
# The two second-factor steps come after a correct password, before the user is signed in.
PUBLIC_ENDPOINTS = {
    "static",
    "web.healthz",
    "web.scheduler_health",  # job names, times and counts only
    "governance.privacy",
    "accounts.sign_in",
    "accounts.security_code",
    "accounts.set_up_second_factor",
}


def test_every_endpoint_checks_permission_or_is_reviewed_public(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if getattr(view, "is_public", False) or not hasattr(view, "required_permissions"):
            unguarded.append(rule.rule)
    assert unguarded == []


def test_public_list_is_exactly_the_views_marked_public(app):
    marked = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "is_public", False)
    }
    assert marked == PUBLIC_ENDPOINTS - {"static"}


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/sign-in"), url


def test_remembered_links_are_flasks_own(app):
    import flask

    from yoi_welfare.view_helpers import url_for

    cases = [
        ("people.child", {"child_id": 7}),
        ("people.child", {"child_id": 7, "kind": "note", "page": 2}),
        ("people.child", {"child_id": 7, "kind": None}),
        ("home.index", {"sort": "level", "order": "descending"}),
        ("people.search", {"q": "Ellis & Sons"}),
        ("people.search", {"q": ["a", "b"]}),  # a list: built each time
        ("people.child", {"child_id": 8, "_anchor": "notes"}),
        ("people.child", {"child_id": 8, "_external": True}),
    ]
    with app.test_request_context("/", base_url="https://welfare.example"):
        for endpoint, values in cases:
            first, again = url_for(endpoint, **values), url_for(endpoint, **values)
            assert first == again == flask.url_for(endpoint, **values)
        assert url_for("people.child", child_id=9) != url_for("people.child", child_id=10)
    with app.test_request_context("/", base_url="https://welfare.example/under"):
        # Mounted under a prefix, links carry it: remembered apart from the ones without.
        assert url_for("people.child", child_id=7) == "/under/children/7"
    assert app.jinja_env.globals["url_for"] is url_for
