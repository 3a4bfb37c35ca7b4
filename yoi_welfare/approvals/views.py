"""Managers' pages: the requests waiting for their approval, and deciding one."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    current_viewer,
    deny,
    get_visible_child,
    permission_required,
)
from yoi_welfare.actions.queries import dao_user_names
from yoi_welfare.approvals import services
from yoi_welfare.approvals.forms import APPROVE, DecisionForm
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.view_helpers import show_error

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


def waiting_for_me() -> list[tuple]:
    """(request, child) waiting for a decision by the signed-in manager's agency."""
    return services.dao_pending_for(current_user.agency_id, current_viewer())


@bp.get("/")
@permission_required(Permission.DECIDE_APPROVALS)
def index():
    waiting = waiting_for_me()
    users = dao_user_names({approval.requested_by_id for approval, _ in waiting})
    return render_template(
        "approvals/index.html", waiting=waiting, users=users, kinds=services.KINDS
    )


def _approval_or_404(approval_id: int) -> Approval:
    approval = services.dao_approval(approval_id)
    if approval is None or approval.approver_agency_id != current_user.agency_id:
        deny(object_type="approval", object_id=approval_id)
    if approval.young_person_id is not None:
        get_visible_child(approval.young_person_id)
    return approval


@bp.route("/<int:approval_id>", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_APPROVALS)
def show(approval_id: int):
    approval = _approval_or_404(approval_id)
    child = get_visible_child(approval.young_person_id) if approval.young_person_id else None
    return decision_page(approval, child=child, back=url_for("approvals.index"))


def decision_page(approval: Approval, *, child, back: str):
    """The request, and the form to approve or return it: for every kind of request."""
    audit.record(
        "approval_viewed",
        young_person_id=approval.young_person_id,
        object_type="approval",
        object_id=approval.id,
        user=current_user,
    )
    kind = services.KINDS[approval.kind]
    form = DecisionForm()
    if first_shown():
        form.version_id.data = str(approval.version_id)
    elif form.validate_on_submit():
        now = utcnow()
        try:
            if form.decision.data == APPROVE:
                services.approve(approval, by=current_user, version=form.version, now=now)
                done = "Approved: the decision has taken effect"
            else:
                services.return_request(
                    approval,
                    by=current_user,
                    version=form.version,
                    reason=form.reason.data,
                    now=now,
                )
                done = "Returned: the person who asked will see your reason"
        except services.ApprovalError as error:
            show_error(form, error)
            approval = services.dao_approval(approval.id)
        else:
            flash(done, "success")
            return redirect(kind.subject_path(approval))
    users = dao_user_names({approval.requested_by_id, approval.decided_by_id} - {None})
    return render_template(
        "approvals/show.html",
        approval=approval,
        child=child,
        kind=kind,
        form=form,
        users=users,
        refused=services.why_not_decide(approval, current_user),
        subject_path=kind.subject_path(approval),
        back=back,
    )
