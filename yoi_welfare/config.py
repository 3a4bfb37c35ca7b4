"""Settings, read from the environment once when the app is created."""

import os
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ConfigError(f"{name} is {value!r}; set it to a whole number of {minimum} or more.")
    return int(value)


def load_settings(overrides: dict | None = None) -> dict:
    """Return the Flask config mapping built from the environment (and test overrides)."""
    overrides = overrides or {}
    env = overrides.get("ENV_NAME") or os.environ.get("YOI_WELFARE_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"YOI_WELFARE_ENV is {env!r}; set it to one of: {', '.join(ENVIRONMENTS)}."
        )
    instance_dir = Path(os.environ.get("YOI_WELFARE_INSTANCE", INSTANCE_DIR))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'yoi_welfare.db'}"
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production set SECRET_KEY to a long random value, "
                "for example: python -c 'import secrets; print(secrets.token_hex(32))'."
            )
        # Never used in production, which refuses to start without SECRET_KEY.
        secret_key = "development-only-secret-key"  # noqa: S105  # nosec B105
    production = env == "production"
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": instance_dir,
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(
            "SESSION_COOKIE_SECURE", env != "development" and env != "test"
        ),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # How often a standby scheduler tries to become the active one, and the active one
        # checks it still is (seconds).
        "SCHEDULER_STANDBY_SECONDS": _number("SCHEDULER_STANDBY_SECONDS", 5),
        # Rows on each page of a list.
        "PAGE_SIZE": _number("PAGE_SIZE", 25),
        # Reverse proxies in front of the service whose X-Forwarded-For and -Proto are trusted.
        "TRUSTED_PROXIES": _number("TRUSTED_PROXIES", 0, minimum=0),
        # Records are kept this many years after the 18th birthday or the last placement's end.
        "RETENTION_YEARS_AFTER_18": _number("RETENTION_YEARS_AFTER_18", 7),
        # Sign-in and sessions (README "Security").
        "MFA_REQUIRED": _flag("MFA_REQUIRED", production),
        "MFA_ISSUER": os.environ.get("MFA_ISSUER", "YOI Welfare"),
        "SESSION_IDLE_MINUTES": _number("SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _number("SESSION_ABSOLUTE_HOURS", 12),
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute"),
        "LOCKOUT_ATTEMPTS": _number("LOCKOUT_ATTEMPTS", 10),
        "LOCKOUT_WINDOW_MINUTES": _number("LOCKOUT_WINDOW_MINUTES", 15),
        "LOCKOUT_MINUTES": _number("LOCKOUT_MINUTES", 15),
        # Flask-Limiter: memory is per process; Redis lets every web process share the counts.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": "yoi_welfare",
        # A sliding window: no burst of twice the limit across the turn of a minute.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
    config.update(overrides)
    return config
