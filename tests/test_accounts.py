import base64
import uuid
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import select

from tests.factories import PASSWORD, World, sign_in
from yoi_welfare import create_app, db
from yoi_welfare.accounts import mfa
from yoi_welfare.accounts.lockout import LockoutPolicy, locked_until
from yoi_welfare.accounts.mfa import code_for
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.passwords import common_passwords, password_problem
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.config import ConfigError, load_settings

REDIS_URL = "redis://127.0.0.1:6379/15"


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


# Two-factor sign-in ------------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 9, 0, 5, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_PASSWORD = "tangerine kettle rowboat"


def _user(email: str) -> User:
    """The user as the database has them now (the test's own copy may be out of date)."""
    db.session().rollback()
    db.session().expire_all()
    return db.session().exec(select(User).where(User.email == email)).one()


def _password_step(client, user, password=PASSWORD):
    return client.post("/sign-in", data={"email": user.email, "password": password})


def test_a_user_with_a_second_factor_is_not_signed_in_until_they_enter_the_code(client, world):
    world.officer.mfa_secret = SECRET
    db.session().commit()
    with time_machine.travel(NOW, tick=False):
        response = _password_step(client, world.officer)
        assert response.location == "/sign-in/security-code"
        assert client.get("/").location.startswith("/sign-in")  # not signed in yet
        page = client.get("/sign-in/security-code")
        assert "Enter your security code" in page.text

        wrong = client.post("/sign-in/security-code", data={"code": "000000"})
        assert "The security code is not correct" in wrong.text
        assert "Error: Enter your security code" in wrong.text
        assert client.get("/").location.startswith("/sign-in")

        response = client.post("/sign-in/security-code", data={"code": code_for(SECRET, NOW)})
        assert response.location == "/"
        assert client.get("/").status_code == 200
    assert _actions().count("sign_in") == 1
    assert "mfa_code_failed" in _actions()


def test_a_security_code_works_once_only(app, world):
    world.officer.mfa_secret = SECRET
    db.session().commit()
    code = code_for(SECRET, NOW)
    first, second = app.test_client(), app.test_client()
    with time_machine.travel(NOW, tick=False):
        _password_step(first, world.officer)
        _password_step(second, world.officer)
        assert first.post("/sign-in/security-code", data={"code": code}).location == "/"
        replay = second.post("/sign-in/security-code", data={"code": code})
        assert replay.status_code == 200
        assert "has been used already" in replay.text
        assert second.get("/").location.startswith("/sign-in")
    # The code of the step before is within the drift allowed, but older than the one used.
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        older = second.post("/sign-in/security-code", data={"code": code})
        assert "has been used already" in older.text
        newer = code_for(SECRET, NOW + timedelta(seconds=30))
        assert second.post("/sign-in/security-code", data={"code": newer}).location == "/"
    assert _user(world.officer.email).mfa_last_timestep == mfa.timestep(NOW) + 1


def test_when_two_factor_is_required_a_user_without_it_sets_it_up(app, client, world):
    app.config["MFA_REQUIRED"] = True
    with time_machine.travel(NOW, tick=False):
        response = _password_step(client, world.officer)
        assert response.location == "/sign-in/set-up-two-factor"
        page = client.get(response.location)
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "html5lib")
        assert soup.select_one(".app-qr-code svg path") is not None  # inline, no image request
        secret = soup.select_one("#secret-key").get_text().replace(" ", "")
        assert client.get("/").location.startswith("/sign-in")

        wrong = client.post("/sign-in/set-up-two-factor", data={"code": "123456"})
        assert "The security code is not correct" in wrong.text
        assert _user(world.officer.email).mfa_secret is None

        response = client.post("/sign-in/set-up-two-factor", data={"code": code_for(secret, NOW)})
        assert response.location == "/"
        assert "Two-factor authentication is set up" in client.get("/").text
    user = _user(world.officer.email)
    assert user.mfa_secret == secret
    assert user.mfa_last_timestep == mfa.timestep(NOW)  # the enrolment code is used up
    assert "mfa_enrolled" in _actions()


def test_the_enrolment_secret_is_not_in_the_audit_trail(app, client, world):
    app.config["MFA_REQUIRED"] = True
    with time_machine.travel(NOW, tick=False):
        _password_step(client, world.officer)
        page = client.get("/sign-in/set-up-two-factor")
        secret = BeautifulSoup(page.text, "html5lib").select_one("#secret-key").get_text()
        client.post(
            "/sign-in/set-up-two-factor", data={"code": code_for(secret.replace(" ", ""), NOW)}
        )
    events = db.session().exec(select(AuditEvent)).all()
    assert all(secret.replace(" ", "") not in str(e.content()) for e in events)


def test_the_second_step_must_follow_a_correct_password_within_ten_minutes(client, world):
    world.officer.mfa_secret = SECRET
    db.session().commit()
    assert client.get("/sign-in/security-code").location == "/sign-in"
    assert client.get("/sign-in/set-up-two-factor").location == "/sign-in"
    with time_machine.travel(NOW, tick=False):
        _password_step(client, world.officer)
    later = NOW + timedelta(minutes=11)
    with time_machine.travel(later, tick=False):
        response = client.post("/sign-in/security-code", data={"code": code_for(SECRET, later)})
        assert response.location == "/sign-in"
        assert "Sign in again to continue" in client.get("/sign-in").text
        assert client.get("/").location.startswith("/sign-in")


def test_mfa_required_is_on_in_production_and_off_elsewhere(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("MFA_REQUIRED", raising=False)
    assert load_settings({"ENV_NAME": "production"})["MFA_REQUIRED"] is True
    assert load_settings({"ENV_NAME": "development"})["MFA_REQUIRED"] is False
    assert load_settings({"ENV_NAME": "test"})["MFA_REQUIRED"] is False
    monkeypatch.setenv("MFA_REQUIRED", "on")
    assert load_settings({"ENV_NAME": "development"})["MFA_REQUIRED"] is True


# Throttling and lock-out ---------------------------------------------------------------------


def _main(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_sign_in_attempts_are_throttled_per_address_with_a_govuk_page(app, client, world):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert (
            client.post("/sign-in", data={"email": "a@example.org", "password": "x"}).status_code
            == 200
        )
    response = client.post("/sign-in", data={"email": world.officer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert response.headers["Retry-After"] == "60"
    assert "nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/sign-in").status_code == 200  # reading the page is not limited
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    sign_in(elsewhere, world.officer)


def test_throttle_counts_are_shared_through_redis(database_url, tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings = {
        "ENV_NAME": "test",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"yoi_welfare_test_{uuid.uuid4().hex}",
        "SIGN_IN_RATE_LIMIT": "2 per minute",
    }
    attempt = {"email": "a@example.org", "password": "wrong password"}

    def post_from_a_new_web_process() -> int:
        process = create_app(settings)
        with process.app_context():
            status = process.test_client().post("/sign-in", data=attempt).status_code
        process.extensions["db_engine"].dispose()
        return status

    # Each app starts with its own limiter storage, so only Redis can carry the count over.
    assert [post_from_a_new_web_process() for _ in range(3)] == [200, 200, 429]


def _proxied_app(database_url, tmp_path, proxies: int):
    return create_app(
        {
            "ENV_NAME": "test",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
            "INSTANCE_DIR": tmp_path,
            "SIGN_IN_RATE_LIMIT": "2 per minute",
            "TRUSTED_PROXIES": proxies,
        }
    )


def test_behind_a_trusted_proxy_each_client_is_throttled_and_audited_by_its_own_address(
    database_url, tmp_path
):
    app = _proxied_app(database_url, tmp_path, proxies=1)
    attempt = {"email": "a@example.org", "password": "wrong password"}
    with app.app_context():
        client = app.test_client()
        statuses = [
            client.post(
                "/sign-in", data=attempt, headers={"X-Forwarded-For": "198.51.100.1"}
            ).status_code
            for _ in range(3)
        ]
        # Another client behind the same proxy is not held back by the first.
        other = client.post("/sign-in", data=attempt, headers={"X-Forwarded-For": "198.51.100.2"})
        failed = (
            db.session()
            .exec(select(AuditEvent.remote_addr).where(AuditEvent.action == "sign_in_failed"))
            .all()
        )
    app.extensions["db_engine"].dispose()
    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    assert set(failed) == {"198.51.100.1", "198.51.100.2"}


def test_without_trusted_proxies_a_forwarded_address_is_ignored(database_url, tmp_path):
    app = _proxied_app(database_url, tmp_path, proxies=0)
    attempt = {"email": "a@example.org", "password": "wrong password"}
    with app.app_context():
        client = app.test_client()
        statuses = [
            client.post(
                "/sign-in", data=attempt, headers={"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(3)
        ]
    app.extensions["db_engine"].dispose()
    assert statuses == [200, 200, 429]  # a client cannot dodge the limit by naming others


def test_lock_out_looks_the_same_for_existing_and_unknown_email_addresses(app, world):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    finals = {}
    for email in (world.officer.email, "nobody@example.org"):
        client = app.test_client()
        with time_machine.travel(NOW, tick=False):
            for attempt in range(10):
                response = client.post("/sign-in", data={"email": email, "password": "wrong" * 3})
                locked = "too many attempts" in response.text
                assert locked == (attempt == 9), attempt
            # Locked: even the right password is refused, with the same message.
            finals[email] = client.post("/sign-in", data={"email": email, "password": PASSWORD})
            assert client.get("/").location.startswith("/sign-in")
    existing, unknown = finals.values()
    assert existing.status_code == unknown.status_code == 200
    message = "There have been too many attempts to sign in with this email address"
    assert message in existing.text and message in unknown.text
    assert _main(existing).replace(world.officer.email, "EMAIL") == _main(unknown).replace(
        "nobody@example.org", "EMAIL"
    )
    assert _actions().count("sign_in_locked_out") == 2
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        sign_in(app.test_client(), world.officer)


def test_lock_out_counts_by_normalised_email_and_a_success_resets_it(app, client, world):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    with time_machine.travel(NOW, tick=False):
        for _ in range(9):
            client.post("/sign-in", data={"email": world.officer.email.upper(), "password": "no"})
        sign_in(client, world.officer)
        client.post("/sign-out")
        for _ in range(9):
            client.post("/sign-in", data={"email": world.officer.email, "password": "no"})
        sign_in(client, world.officer)


def test_failures_spread_over_more_than_the_window_do_not_lock(app, client, world):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    for minute in range(0, 40, 4):  # ten failures in 36 minutes
        with time_machine.travel(NOW + timedelta(minutes=minute), tick=False):
            client.post("/sign-in", data={"email": world.officer.email, "password": "no"})
    with time_machine.travel(NOW + timedelta(minutes=37), tick=False):
        sign_in(client, world.officer)


def test_wrong_security_codes_count_towards_the_lock_out(app, client, world):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    world.officer.mfa_secret = SECRET
    db.session().commit()
    with time_machine.travel(NOW, tick=False):
        _password_step(client, world.officer)
        for _ in range(9):
            client.post("/sign-in/security-code", data={"code": "000000"})
        response = client.post("/sign-in/security-code", data={"code": "000000"})
        assert response.location == "/sign-in"
        assert "too many attempts" in client.get("/sign-in").text
        response = client.post("/sign-in/security-code", data={"code": code_for(SECRET, NOW)})
        assert response.location == "/sign-in"  # the part-way sign-in has gone
        assert "too many attempts" in _password_step(client, world.officer).text


def test_lock_out_rule():
    policy = LockoutPolicy(attempts=3, window=timedelta(minutes=15), duration=timedelta(minutes=15))
    t = NOW
    three_quick = [t, t - timedelta(minutes=2), t - timedelta(minutes=4)]
    assert locked_until(three_quick, t, policy) == t + timedelta(minutes=15)
    assert locked_until(three_quick, t + timedelta(minutes=15), policy) is None
    assert locked_until(three_quick[:2], t, policy) is None
    spread = [t, t - timedelta(minutes=10), t - timedelta(minutes=16)]
    assert locked_until(spread, t, policy) is None


# Sessions --------------------------------------------------------------------------------------


def test_an_idle_session_ends_after_30_minutes(client, world):
    with time_machine.travel(NOW, tick=False):
        sign_in(client, world.officer)
    for minutes in (29, 58):  # each request restarts the idle clock
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(NOW + timedelta(minutes=58 + 31), tick=False):
        response = client.get("/children?q=Sam")
        assert response.location == "/sign-in?next=/children?q%3DSam"
        page = client.get(response.location)
        assert "you did nothing for 30 minutes" in page.text
        assert client.get("/").location.startswith("/sign-in")
    assert "session_expired" in _actions()


def test_a_session_ends_12_hours_after_sign_in_however_busy(client, world):
    with time_machine.travel(NOW, tick=False):
        sign_in(client, world.officer)
    for step in range(1, 25):  # every 29 minutes for 11.6 hours
        with time_machine.travel(NOW + timedelta(minutes=29 * step), tick=False):
            assert client.get("/").status_code == 200, step
    with time_machine.travel(NOW + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/")
        assert response.location.startswith("/sign-in")
        assert "you signed in more than 12 hours ago" in client.get("/sign-in").text


def test_a_new_session_starts_at_sign_in(client, world):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, world.officer)
    with client.session_transaction() as session:
        assert "planted" not in session


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("eleven char", "Password must be 12 characters or more"),
        ("x" * 257, "Password must be 256 characters or fewer"),
        ("password123456", "harder to guess"),
        ("Monkey123456!", "harder to guess"),
        ("correct horse battery staple", "harder to guess"),
        ("qwertyuiopasdf", "harder to guess"),
        ("abcabcabcabcabc", "harder to guess"),
        ("aaaaaaaaaaaaaaaa", "harder to guess"),
        ("my welfare password", "name of this service"),
        ("Cust0dy-and-care-2026", "name of this service"),
        ("yoi 2026 autumn leaves", "name of this service"),
        ("Youth Offending rocks", "name of this service"),
        ("olive branches everywhere", "your name or email address"),
    ],
)
def test_password_policy_refuses(password, message):
    problem = password_problem(password, ("Olive Officer", "olive.officer@example.org"))
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    "password",
    [
        "tangerine kettle rowboat",
        "boy oil lamp shade",  # contains "yoi" only across words
        "x7!Kq#9vL2@m",  # no composition rules, either way
        "a" + "bcdefghijklmnopqrstuvwxyz0123456789" * 7,  # 246 characters
        "Ünïcödé pässphrâse wörks",
    ],
)
def test_password_policy_accepts(password):
    assert password_problem(password, ("Olive Officer", "olive.officer@example.org")) is None


def test_the_common_password_list_is_shipped_and_large():
    assert len(common_passwords()) > 10_000
    assert {"password", "iloveyou", "qwerty123456"} <= common_passwords()


def test_user_changes_their_password_and_their_other_sessions_end(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, world.officer)
    sign_in(elsewhere, world.officer)
    assert "Your account" in here.get("/").text
    assert "Change your password" in here.get("/account/password").text
    response = here.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.location == "/account"
    assert "Your password has been changed" in here.get("/account").text
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").location.startswith("/sign-in")  # the other has ended
    here.post("/sign-out")
    wrong = here.post("/sign-in", data={"email": world.officer.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in wrong.text
    sign_in(here, world.officer, NEW_PASSWORD)
    assert "password_changed" in _actions()


@pytest.mark.parametrize(
    "current, new, message",
    [
        ("not my password", NEW_PASSWORD, "Your current password is incorrect"),
        (PASSWORD, "password1234567", "harder to guess"),
        (PASSWORD, PASSWORD, "different from your current one"),
        (PASSWORD, "Olive's garden of herbs", "your name or email address"),
        (PASSWORD, "", "Enter a new password"),
        ("", NEW_PASSWORD, "Enter your current password"),
    ],
)
def test_password_change_errors_change_nothing(client, world, current, new, message):
    sign_in(client, world.officer)
    before = _user(world.officer.email)
    response = client.post(
        "/account/password", data={"current_password": current, "new_password": new}
    )
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    after = _user(world.officer.email)
    assert (after.password_hash, after.session_version) == (
        before.password_hash,
        before.session_version,
    )


def test_your_account_page_shows_the_user_their_details(client, world):
    sign_in(client, world.officer)
    page = client.get("/account").text
    for text in (
        "Olive Officer",
        world.officer.email,
        "YOT officer",
        "Northmoor YOT",
        "Not set up",
    ):
        assert text in page


def test_a_wrong_number_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOCKOUT_ATTEMPTS", "ten")
    with pytest.raises(ConfigError, match="LOCKOUT_ATTEMPTS is 'ten'; set it to a whole number"):
        load_settings({"ENV_NAME": "test"})


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example/phish",
        "/\n/evil.example/",
        "\r//evil.example/",
        " //evil.example/",
        "\x00//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/café",
    ],
)
def test_next_is_judged_as_a_browser_reads_it(app, target):
    from yoi_welfare.accounts.views import _safe_next

    with app.test_request_context():
        assert _safe_next(target) == "/"


@pytest.mark.parametrize(
    "target",
    ["%20//evil.example/", "/%5Cevil.example/", "%5C%5Cevil.example/", "https://e.example"],
)
def test_next_off_this_site_sends_the_user_home(client, world, target):
    response = client.post(
        f"/sign-in?next={target}", data={"email": world.officer.email, "password": PASSWORD}
    )
    assert response.status_code in (302, 303)
    assert response.location == "/"


def test_next_may_name_a_page_of_this_site_with_its_query(client, world):
    response = client.post(
        "/sign-in?next=/children%3Fq%3DSam",
        data={"email": world.officer.email, "password": PASSWORD},
    )
    assert response.location == "/children?q=Sam"


@pytest.mark.parametrize("target", ["/%09/evil.example/phish", "/children%0d%0aSet-Cookie:%20x=1"])
def test_control_characters_in_next_are_refused_before_anyone_is_signed_in(client, world, target):
    response = client.post(
        f"/sign-in?next={target}", data={"email": world.officer.email, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "contains characters the service cannot use" in response.text
    assert client.get("/").status_code == 302
    assert "sign_in" not in _actions()


def test_sign_in_is_all_or_nothing(app, client, world, monkeypatch):
    from yoi_welfare.accounts import services

    def broken(user):
        raise RuntimeError("the audit trail cannot be written")

    monkeypatch.setattr(services, "record_sign_in", broken)
    response = client.post("/sign-in", data={"email": world.officer.email, "password": PASSWORD})
    assert response.status_code == 500
    assert client.get("/").status_code == 302, "a failed sign-in must leave no one signed in"


def test_a_shift_change_signs_in_from_one_address_while_failures_are_throttled(app, world):
    # Forty staff of one establishment sign in from its one address within the minute.
    app.config["SIGN_IN_RATE_LIMIT"] = "5 per minute"
    staff = [world.staff, world.officer, world.acpc_member, world.admin] * 10
    for user in staff:
        client = app.test_client()
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        assert response.status_code in (302, 303)
    # Failures from the same address are still limited.
    client = app.test_client()
    statuses = [
        client.post("/sign-in", data={"email": "a@example.org", "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_the_enrolment_secret_stays_on_the_server_not_in_the_session_cookie(app, client, world):
    app.config["MFA_REQUIRED"] = True
    with time_machine.travel(NOW, tick=False):
        _password_step(client, world.officer)
        page = client.get("/sign-in/set-up-two-factor")
        secret = BeautifulSoup(page.text, "html5lib").select_one("#secret-key").get_text()
        secret = secret.replace(" ", "")
        cookie = client.get_cookie("session").value
        payload = cookie.split(".")[1 if cookie.startswith(".") else 0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        decoded = zlib.decompress(raw) if cookie.startswith(".") else raw
        assert secret.encode() not in decoded
        assert _user(world.officer.email).mfa_enrolment_secret == secret
        # Signing in again offers the same secret, so a QR code already scanned still works.
        _password_step(app.test_client(), world.officer)
        assert _user(world.officer.email).mfa_enrolment_secret == secret
        client.post("/sign-in/set-up-two-factor", data={"code": code_for(secret, NOW)})
    user = _user(world.officer.email)
    assert (user.mfa_secret, user.mfa_enrolment_secret) == (secret, None)
