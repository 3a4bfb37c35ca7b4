"""Each user's notifications: the list, opening one (which marks it read), marking all read,
and how the ones that can wait are emailed."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import deny, signed_in
from yoi_welfare.dates import utcnow
from yoi_welfare.notifications import services
from yoi_welfare.notifications.forms import DeliveryForm
from yoi_welfare.notifications.models import Delivery
from yoi_welfare.view_helpers import page_number

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@signed_in
def index():
    unread_only = request.args.get("show") == "unread"
    results = services.dao_notifications(
        current_user,
        utcnow(),
        unread_only=unread_only,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    return render_template("notifications/index.html", results=results, unread_only=unread_only)


@bp.get("/notifications/<int:notification_id>")
@signed_in
def open_notification(notification_id: int):
    """Open what the notification is about, marking it read."""
    now = utcnow()
    notification = services.dao_own_notification(current_user, notification_id, now)
    if notification is None:
        deny(object_type="notification", object_id=notification_id)
    db.writes()
    services.mark_read(notification, now)
    return redirect(notification.path)


@bp.post("/notifications/read")
@signed_in
def mark_all_read():
    count = services.mark_all_read(current_user, utcnow())
    flash(f"{count} {'notification' if count == 1 else 'notifications'} marked as read", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def delivery():
    form = DeliveryForm()
    if request.method == "GET":
        form.routine_notices.data = current_user.routine_notices.value
    elif form.validate_on_submit():
        services.choose_delivery(current_user, Delivery(form.routine_notices.data))
        flash("Your choice has been saved", "success")
        return redirect(url_for("accounts.account"))
    return render_template("notifications/delivery.html", form=form)
