def test_an_unexpected_error_shows_the_service_error_page_without_a_traceback(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_unknown_page_is_the_govuk_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_security_headers_on_pages_and_errors(client):
    for path in ("/sign-in", "/no/such/page", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self' 'nonce-" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"


def test_success_banners_show_the_message_not_markup(app, client):
    from tests.factories import World, sign_in

    world = World()
    sign_in(client, world.admin)
    response = client.post(
        "/admin/areas/new", data={"code": "EST", "name": "Eastvale <b>"}, follow_redirects=True
    )
    assert (
        '<p class="govuk-notification-banner__heading">Area Eastvale &lt;b&gt; has been created</p>'
        in response.text
    )
    assert "&lt;p class" not in response.text
