"""Alerts: a child's alerts, raising one by hand, ending one.

Everyone who sees the child reads the alerts (on every page about them: see ``banner``); the
child's YOT and the establishment holding the child raise and end them.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    deny,
    get_visible_child,
    holds_child,
    may_write_about,
    permission_required,
    user_agency,
)
from yoi_welfare.alerts import queries, services
from yoi_welfare.alerts.forms import EndAlertForm, RaiseAlertForm
from yoi_welfare.alerts.sources import SOURCE_LABELS
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.view_helpers import show_error

bp = Blueprint("alerts", __name__)


def may_write(child: YoungPerson) -> bool:
    return may_write_about(current_user, user_agency(), child, holding=holds_child(child))


@bp.get("/children/<int:child_id>/alerts")
@permission_required(Permission.VIEW_CHILDREN)
def index(child_id: int):
    child = get_visible_child(child_id)
    rows = queries.dao_child_alerts(child.id)
    html = render_template(
        "alerts/index.html",
        child=child,
        active=[row for row in rows if row.alert.is_active],
        ended=[row for row in rows if not row.alert.is_active],
        can_write=may_write(child),
        source_labels=SOURCE_LABELS,
        ends_with_record=services.RECORD_STILL_OPEN,
    )
    audit.record(
        "alerts_viewed",
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
        user=current_user,
    )
    return html


@bp.route("/children/<int:child_id>/alerts/new", methods=["GET", "POST"])
@permission_required(Permission.VIEW_CHILDREN)
def new(child_id: int):
    child = get_visible_child(child_id)
    if not may_write(child):
        deny(young_person_id=child.id, object_type="young_person", object_id=child.id)
    form = RaiseAlertForm()
    if form.validate_on_submit():
        try:
            services.raise_alert(
                child,
                by=current_user,
                agency=user_agency(),
                holding=holds_child(child),
                code=form.code.data,
                description=form.description.data,
                now=utcnow(),
            )
        except services.AlertError as error:
            show_error(form, error)
        else:
            flash(
                "Alert raised. It shows on every page about the child until it is ended", "success"
            )
            return redirect(url_for("alerts.index", child_id=child.id))
    return render_template("alerts/new.html", form=form, child=child)


@bp.route("/alerts/<int:alert_id>/end", methods=["GET", "POST"])
@permission_required(Permission.VIEW_CHILDREN)
def end(alert_id: int):
    alert = queries.dao_alert(alert_id)
    if alert is None:
        deny(object_type="alert", object_id=alert_id)
    child = get_visible_child(alert.young_person_id)
    if not may_write(child):
        deny(young_person_id=child.id, object_type="alert", object_id=alert.id)
    form = EndAlertForm()
    if request.method == "GET":
        form.version_id.data = str(alert.version_id)
    if form.validate_on_submit():
        try:
            services.end_alert(
                alert,
                child,
                by=current_user,
                agency=user_agency(),
                holding=holds_child(child),
                version=form.version,
                reason=form.reason.data,
                now=utcnow(),
            )
        except services.AlertError as error:
            show_error(form, error)
        else:
            flash("Alert ended", "success")
            return redirect(url_for("alerts.index", child_id=child.id))
    return render_template(
        "alerts/end.html",
        form=form,
        child=child,
        alert=alert,
        ends_with_record=services.RECORD_STILL_OPEN.get(alert.source_type),
        source_labels=SOURCE_LABELS,
    )
