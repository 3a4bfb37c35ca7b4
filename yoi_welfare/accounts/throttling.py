"""Per-address throttling of failed attempts to check a password or a security code
(Flask-Limiter).

Only failures count: a secure establishment's staff all reach the service from one address,
and forty of them sign in within minutes at a shift change. An attempt that succeeds moves on
with a redirect; one that fails shows its form again. The lock-out per email address
(``lockout.py``) still counts every account's failures wherever they come from.

Counts live in RATELIMIT_STORAGE_URI: memory (one process) by default, Redis when set, so that
several web processes share them. If Redis cannot be reached, each process falls back to memory.
The limiter is made per app, so no setting of one app leaks into another (as in the tests).
"""

from collections.abc import Callable

from flask import Flask, Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def sign_in_rate_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def limits_secret_attempts(view: Callable) -> Callable:
    """Mark a view whose POSTs check a password or a code: all such views share one budget."""
    view.limits_secret_attempts = True
    return view


def failed(response: Response) -> bool:
    """An attempt that failed: a success (or a step forward) is a redirect."""
    return response.status_code not in (301, 302, 303, 307, 308)


def init_app(app: Flask) -> None:
    """Limit the marked views; call after the blueprints are registered."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    limit = limiter.shared_limit(
        sign_in_rate_limit, scope="secret-attempts", methods=["POST"], deduct_when=failed
    )
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "limits_secret_attempts", False):
            app.view_functions[endpoint] = limit(view)
