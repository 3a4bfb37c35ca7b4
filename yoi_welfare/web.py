"""The request cycle: one transaction per request, security headers, error pages, filters."""

import secrets

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
    session,
)
from flask.templating import Environment
from flask_login import logout_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from yoi_welfare import db
from yoi_welfare.access import public
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except Exception:  # any failure to answer means unhealthy
        # The load balancer sees only 503; the log says why, for whoever is called out.
        current_app.logger.exception("Health check failed: the database did not answer")
        return jsonify(database="unavailable"), 503
    return jsonify(database="ok")


@bp.get("/healthz/scheduler")
@public
def scheduler_health():
    """For monitoring the scheduler process, which serves no requests of its own: 503 when a
    frequent job is overdue, the last runs of any job failed, or mail keeps failing (which a
    delivery job that runs without fault would not show). Names, times and counts only."""
    from yoi_welfare.jobs import job_health
    from yoi_welfare.outbox.services import mail_health

    now = utcnow()
    try:
        jobs, mail = job_health(now), mail_health(now)
    except Exception:  # the database cannot say: that is unhealthy too
        current_app.logger.exception("Scheduler health check failed: the database did not answer")
        return jsonify(database="unavailable"), 503
    body = {
        job.name: {
            "last_success": job.last_success_at.isoformat() if job.last_success_at else None,
            "failures_in_a_row": job.failures_in_a_row,
            "overdue": job.overdue,
        }
        for job in jobs
    }
    body["mail"] = {"failing": mail.failing, "given_up_in_the_last_day": mail.given_up}
    healthy = mail.healthy and all(job.healthy for job in jobs)
    return jsonify(body), 200 if healthy else 503


class TemplateEnvironment(Environment):
    """Jinja's environment, with templates sharing its globals rather than a ChainMap of them.

    Jinja gives each template a ChainMap of its own globals over the environment's, and reads
    it for every render, include and import: Python-level lookups of some 20 globals, dozens
    of times on the child's page. Our templates have no globals of their own (nothing passes
    ``globals`` to ``get_template``), so each uses the environment's dict itself.
    """

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)


def request_origin() -> tuple[str | None, str | None]:
    """Where an audit event comes from: the client's address and the path it asked for."""
    if not has_request_context():
        return None, None
    return request.remote_addr, request.path


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    audit.origin_from(request_origin)

    @app.context_processor
    def response_nonce():
        return {"csp_nonce": csp_nonce()}

    @app.after_request
    def finish(response):
        succeeded = response.status_code < 500
        db.end_request(succeeded=succeeded)
        if not succeeded:
            undo_sign_in()
        return add_security_headers(app, response)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.rollback()
        template = {
            403: "errors/403.html",
            404: "errors/404.html",
            429: "errors/429.html",
        }.get(error.code)
        if template is None:
            if error.code and error.code < 500:
                return render_template("errors/generic.html", error=error), error.code
            return render_template("errors/500.html"), 500
        response = app.make_response((render_template(template), error.code))
        if error.code == 429:
            response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.rollback()
        undo_sign_in()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_template("errors/500.html"), 500


def undo_sign_in() -> None:
    """Sign-in is all or nothing: a request that signed someone in but then failed (and so
    rolled back its audit event) must not leave them signed in by its cookie."""
    if g.pop("signed_in_by_this_request", False):
        logout_user()
        session.clear()


def csp_nonce() -> str:
    """This response's script nonce, made on first use (an error may come before any view)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_security_headers(app: Flask, response):
    """Headers for every response, error pages and downloads included."""
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    if app.config["ENV_NAME"] == "production":
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
