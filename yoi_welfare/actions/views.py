"""Welfare actions: the agency's list, a child's actions, adding, completing and cancelling.

An action is visible to every agency that can see its child. Only users of the owner agency
complete or cancel it; everyone else sees it read-only. Adding an action is for the child's YOT
and the establishment holding the child: an establishment the child has left reads only.
"""

from dataclasses import dataclass, replace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    current_viewer,
    deny,
    get_visible_child,
    has_permission,
    holds_child,
    may_add_actions,
    may_close_action,
    permission_required,
    shown_child,
    user_agency,
)
from yoi_welfare.accounts.models import Role
from yoi_welfare.actions import queries, services
from yoi_welfare.actions.forms import (
    STATUS_CHOICES,
    ActionFilterForm,
    CancelActionForm,
    CompleteActionForm,
    ManualActionForm,
)
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.dates import london_instant, utcnow
from yoi_welfare.domain.timescales import DueStatus
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.view_helpers import page_number, show_error

bp = Blueprint("actions", __name__)


def can_add_actions(child: YoungPerson) -> bool:
    return may_add_actions(current_user, user_agency(), child, holding=holds_child(child))


def can_close(action: WelfareAction) -> bool:
    return may_close_action(current_user, action.owner_agency_id, action.is_open)


@dataclass(frozen=True)
class ActionRow:
    action: WelfareAction
    owner: Agency
    status: DueStatus
    can_close: bool
    child: YoungPerson | None = None
    closed_by: str | None = None

    @property
    def can_complete(self) -> bool:
        return self.can_close and services.completed_by_recording(self.action) is None


@bp.get("/actions")
@permission_required(Permission.VIEW_ACTIONS)
def index():
    """The agency's own actions; an ACPC, which owns none, sees those of its area's children."""
    agency = user_agency()
    owned = current_user.role is not Role.ACPC_MEMBER
    form = ActionFilterForm(request.args)
    form.kind.choices = [("", "All kinds")] + queries.dao_kind_choices()
    valid = form.validate()
    child_text = (form.child.data or "") if valid else ""
    kind = (form.kind.data or None) if valid else None
    status = form.status.data if valid else "open"
    now = utcnow()
    per_page = current_app.config["PAGE_SIZE"]
    page = page_number()
    rows = queries.dao_actions(
        current_viewer(),
        owner_agency_id=agency.id if owned else None,
        status=status,
        now=now,
        child_text=child_text,
        kind=kind,
        page=page,
        per_page=per_page,
    )
    results = replace(
        rows,
        items=[
            ActionRow(
                action=action,
                owner=owner,
                status=queries.status_of(action, now),
                can_close=can_close(action),
                child=child,
            )
            for action, child, owner in rows.items
        ],
    )
    filters = {"child": child_text, "kind": kind or "", "status": status}
    return render_template(
        "actions/index.html",
        form=form,
        agency=agency,
        owned=owned,
        results=results,
        filters=filters,
        status_label=dict(STATUS_CHOICES)[status].lower(),
    )


# The child's page shows this many of the latest completed or cancelled actions; the chronology
# has every one.
LATEST_CLOSED = 10


def child_actions_panel(record: ChildRecord) -> dict | None:
    """What the child's page shows of their actions: open ones, then the closed history."""
    if not has_permission(current_user, Permission.VIEW_ACTIONS):
        return None
    now = utcnow()

    def row(action, owner, closed_by=None):
        return ActionRow(
            action=action,
            owner=owner,
            status=queries.status_of(action, now),
            can_close=can_close(action),
            closed_by=closed_by,
        )

    return {
        "open": [row(action, owner) for action, owner in record.open_actions],
        "closed": [
            row(closed.action, closed.owner, closed.closed_by)
            for closed in record.closed_actions(LATEST_CLOSED)
        ],
        "closed_total": record.closed_count,
        "can_add": can_add_actions(record.child),
    }


@bp.route("/children/<int:child_id>/actions/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ACTIONS)
def new(child_id: int):
    child = get_visible_child(child_id)
    if not can_add_actions(child):
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    form = ManualActionForm()
    form.owner.choices = [(agency.id, agency.name) for agency in queries.allowed_owners(child)]
    if first_shown():
        form.owner.data = current_user.agency_id
    if form.validate_on_submit():
        try:
            action = services.add_manual_action(
                child,
                title=form.title.data,
                owner_agency_id=form.owner.data,
                due=london_instant(form.due_date.data, form.due_time.time_value),
                by=current_user,
                now=utcnow(),
            )
        except services.ActionError as error:
            show_error(form, error)
        else:
            flash(f"Action added: {action.title}", "success")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template("actions/new.html", form=form, child=child)


def _closable_action_or_404(action_id: int) -> tuple[WelfareAction, YoungPerson, Agency]:
    """The action, if the user can see its child and belongs to the owner agency; else 404."""
    row = queries.dao_visible_action(action_id, current_viewer())
    if row is None:
        deny(object_type="welfare_action", object_id=action_id)
    action, child, owner = row
    if action.owner_agency_id != current_user.agency_id:
        # Seeing an action is not enough to close it: only its owner may.
        deny(young_person_id=child.id, object_type="welfare_action", object_id=action_id)
    shown_child(child)
    return action, child, owner


@bp.route("/actions/<int:action_id>/complete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ACTIONS)
def complete(action_id: int):
    action, child, owner = _closable_action_or_404(action_id)
    how = services.completed_by_recording(action)
    if how is not None:
        flash(f"{action.title} is completed by {how}, not by hand", "important")
        return redirect(url_for("people.child", child_id=child.id))
    form = CompleteActionForm()
    if form.validate_on_submit():
        try:
            services.complete_action(action, by=current_user, at=utcnow(), note=form.note.data)
        except services.ActionError as error:
            show_error(form, error)
        else:
            flash(f"Action completed: {action.title}", "success")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template(
        "actions/close.html", form=form, action=action, child=child, owner=owner, verb="Complete"
    )


@bp.route("/actions/<int:action_id>/cancel", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ACTIONS)
def cancel(action_id: int):
    action, child, owner = _closable_action_or_404(action_id)
    form = CancelActionForm()
    if form.validate_on_submit():
        try:
            services.cancel_action(action, by=current_user, at=utcnow(), reason=form.reason.data)
        except services.ActionError as error:
            show_error(form, error)
        else:
            flash(f"Action cancelled: {action.title}", "success")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template(
        "actions/close.html", form=form, action=action, child=child, owner=owner, verb="Cancel"
    )
