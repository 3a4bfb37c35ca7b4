"""The filters and globals every template may use, registered in one place.

Pages and the PDFs share one Jinja environment (``web.TemplateEnvironment``); what a template
can call is listed here rather than spread over the blueprints.
"""

from datetime import datetime

from flask import Flask, g
from flask_login import current_user

from yoi_welfare.access import can_view_access_log, shared_under, user_agency
from yoi_welfare.accounts import absolute_seconds_left
from yoi_welfare.alerts.models import Alert
from yoi_welfare.alerts.queries import active_alerts, active_alerts_for
from yoi_welfare.audit.labels import action_label, role_label
from yoi_welfare.dates import format_date, format_datetime, utcnow
from yoi_welfare.domain.timescales import describe_overdue
from yoi_welfare.forms import error_summary
from yoi_welfare.governance.subject_access import export_label, export_value
from yoi_welfare.kept_forms import restored_formdata
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.submissions import submission_token
from yoi_welfare.view_helpers import pagination, service_navigation, url_for


def overdue_at(due: datetime, now: datetime) -> str:
    """How late something due at ``due`` was at ``now`` (the weekly report's moment)."""
    return describe_overdue(now - due) if now >= due else "not yet overdue"


def overdue_since(due: datetime) -> str:
    """How late something due at ``due`` is now."""
    return overdue_at(due, utcnow())


def may_view_access_log(child: YoungPerson) -> bool:
    """For a link to the log on the child's page: whether the signed-in user may follow it."""
    return current_user.is_authenticated and can_view_access_log(current_user, user_agency(), child)


def child_alerts() -> tuple[YoungPerson, list[Alert]] | None:
    """The child this page is about (``access.shown_child``) and their active alerts, for the
    banner at the top of every page about a child; None on any other page."""
    child = g.get("child_in_view")
    if child is None or not current_user.is_authenticated:
        return None
    return child, active_alerts(child.id)


def alerts_for(children) -> dict[int, list[Alert]]:
    """The active alerts of the children a list names (any iterable of them), by child id: one
    query for the whole list. The list has already been scoped to what its reader may see."""
    return active_alerts_for(child.id for child in children)


FILTERS = {
    "govuk_date": format_date,
    "govuk_datetime": format_datetime,
    "overdue_at": overdue_at,
    "overdue_since": overdue_since,
    "audit_action": action_label,
    "audit_role": role_label,
    "export_label": export_label,
    "export_value": export_value,
}

GLOBALS = {
    "url_for": url_for,
    "error_summary": error_summary,
    "pagination": pagination,
    "service_navigation": service_navigation,
    "can_view_access_log": may_view_access_log,
    "shared_under": shared_under,
    "child_alerts": child_alerts,
    "alerts_for": alerts_for,
    "submission_token": submission_token,
    "absolute_seconds_left": absolute_seconds_left,
    "form_restored": lambda: restored_formdata() is not None,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
