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
        secret_key = "development-only-secret-key"  # noqa: S105 - never used in production
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
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "25")),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
    config.update(overrides)
    return config
