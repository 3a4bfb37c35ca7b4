import pytest
from sqlmodel import select

from tests.factories import PASSWORD, World, sign_in
from yoi_welfare import create_app, db
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.config import ConfigError


@pytest.fixture
def world(app):
    return World()


def _actions():
    return [e.action for e in db.session().exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def test_officer_signs_in_and_lands_on_their_home_page(client, world):
    response = sign_in(client, world.officer)
    assert response.location == "/"
    page = client.get("/")
    assert "Northmoor YOT" in page.text
    assert "No child of your area is in custody now." in page.text
    assert "sign_in" in _actions()


def test_unknown_email_and_wrong_password_get_the_same_message(client, world):
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": PASSWORD})
    wrong = client.post("/sign-in", data={"email": world.officer.email, "password": "wrong" * 3})
    assert unknown.status_code == wrong.status_code == 200
    message = "Enter a correct email address and password"
    assert message in unknown.text and message in wrong.text
    assert "Error: Sign in" in unknown.text
    assert _actions().count("sign_in_failed") == 2


def test_deactivated_user_cannot_sign_in(client, world):
    world.officer.active = False
    db.session().commit()
    response = client.post("/sign-in", data={"email": world.officer.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in response.text


def test_session_cookie_is_httponly_and_lax(client, world):
    response = sign_in(client, world.officer)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"ENV_NAME": "production", "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("YOI_WELFARE_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("YOI_WELFARE_ENV", "staging")
    with pytest.raises(ConfigError, match="YOI_WELFARE_ENV"):
        create_app()


def test_sign_out_ends_every_session_of_the_user(app, world):
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.officer)
    sign_in(second, world.officer)
    assert second.get("/").status_code == 200
    first.post("/sign-out")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302
    assert "sign_out" in _actions()


def test_next_parameter_cannot_send_the_user_off_site(client, world):
    response = client.post(
        "/sign-in?next=//evil.example.org/",
        data={"email": world.officer.email, "password": PASSWORD},
    )
    assert response.location == "/"


def test_posts_without_a_csrf_token_are_refused(database_url, tmp_path):
    app = create_app({"ENV_NAME": "test", "DATABASE_URL": database_url, "TESTING": True})
    with app.app_context():
        world = World()
        client = app.test_client()
        response = client.post(
            "/sign-in", data={"email": world.officer.email, "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "The CSRF token is missing" in response.text
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "password": PASSWORD}, "Enter your email address"),
        ({"email": "a@example.org", "password": ""}, "Enter your password"),
    ],
)
def test_sign_in_form_errors(client, world, data, message):
    response = client.post("/sign-in", data=data)
    assert message in response.text
    assert "govuk-error-summary" in response.text
