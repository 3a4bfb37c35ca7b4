"""Per-address throttling of attempts to check a password or a security code (Flask-Limiter).

Counts live in RATELIMIT_STORAGE_URI: memory (one process) by default, Redis when set, so that
several web processes share them. If Redis cannot be reached, each process falls back to memory.
The limiter is made per app, so no setting of one app leaks into another (as in the tests).
"""

from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def sign_in_rate_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def limits_secret_attempts(view: Callable) -> Callable:
    """Mark a view whose POSTs check a password or a code: all such views share one budget."""
    view.limits_secret_attempts = True
    return view


def init_app(app: Flask) -> None:
    """Limit the marked views; call after the blueprints are registered."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    limit = limiter.shared_limit(sign_in_rate_limit, scope="secret-attempts", methods=["POST"])
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "limits_secret_attempts", False):
            app.view_functions[endpoint] = limit(view)
