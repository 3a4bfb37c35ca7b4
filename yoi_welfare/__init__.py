"""yoi_welfare: one shared welfare record for children in custody."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: dict | None = None) -> "Flask":
    """Build the web application; nothing runs at import time.

    Imports live here so that `yoi_welfare.domain` can be imported without Flask or a database.
    """
    from flask import Flask
    from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

    from yoi_welfare import db
    from yoi_welfare.config import load_settings
    from yoi_welfare.extensions import csrf, login_manager
    from yoi_welfare.web import TemplateEnvironment

    app = Flask(__name__, instance_relative_config=False)
    app.jinja_environment = TemplateEnvironment
    app.config.update(load_settings(overrides))
    if app.config["TRUSTED_PROXIES"]:
        # Behind that many reverse proxies, take the client's address and the scheme from the
        # X-Forwarded-* headers they set: throttling and the audit trail need the real client.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=0)

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("yoi_welfare"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            PrefixLoader({"govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
    from yoi_welfare import accounts, input_guard, kept_forms, submissions, templating, web

    templating.init_app(app)

    input_guard.init_app(app)  # before any route: it sets the <int:…> converter
    accounts.init_app(app)
    web.init_app(app)
    submissions.init_app(app)  # after web: its after_request runs before the commit
    kept_forms.init_app(app)  # after accounts (a session may end first) and web (the commit)

    from yoi_welfare.accounts.views import bp as accounts_bp
    from yoi_welfare.actions.timescale_views import bp as timescales_bp
    from yoi_welfare.actions.views import bp as actions_bp
    from yoi_welfare.admin.views import bp as admin_bp
    from yoi_welfare.alerts.views import bp as alerts_bp
    from yoi_welfare.approvals.views import bp as approvals_bp
    from yoi_welfare.audit.views import bp as audit_bp
    from yoi_welfare.continuity.views import bp as continuity_bp
    from yoi_welfare.custody.views import bp as custody_bp
    from yoi_welfare.escalations.views import bp as escalations_bp
    from yoi_welfare.governance.views import bp as governance_bp
    from yoi_welfare.home.views import bp as home_bp
    from yoi_welfare.mi.views import bp as mi_bp
    from yoi_welfare.notifications.views import bp as notifications_bp
    from yoi_welfare.people.views import bp as people_bp
    from yoi_welfare.reports.views import bp as reports_bp
    from yoi_welfare.reviews.views import bp as reviews_bp
    from yoi_welfare.screenings.views import bp as screenings_bp
    from yoi_welfare.self_harm.views import bp as self_harm_bp

    blueprints = (
        accounts_bp,
        actions_bp,
        admin_bp,
        alerts_bp,
        approvals_bp,
        audit_bp,
        continuity_bp,
        custody_bp,
        escalations_bp,
        governance_bp,
        home_bp,
        mi_bp,
        notifications_bp,
        people_bp,
        reports_bp,
        reviews_bp,
        screenings_bp,
        self_harm_bp,
        timescales_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    from yoi_welfare.accounts import throttling

    throttling.init_app(app)  # after the blueprints: it limits some of their views

    from yoi_welfare.cli import register_commands

    register_commands(app)
    return app
