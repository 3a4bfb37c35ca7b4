"""Escalation pages: the owner agency's managers, and the ACPC, who records its response."""


from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    current_viewer,
    deny,
    has_permission,
    permission_required,
    shown_child,
    user_agency,
)
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.errors import ServiceError
from yoi_welfare.escalations import services
from yoi_welfare.escalations.forms import STATUS_CHOICES, EscalationFilterForm, ResponseForm
from yoi_welfare.escalations.models import ResponseKind
from yoi_welfare.view_helpers import page_number, show_error

bp = Blueprint("escalations", __name__)


@bp.get("/escalations")
@permission_required(Permission.VIEW_AGENCY_ESCALATIONS)
def agency():
    """The managers' view: open escalations of the actions their agency owns, oldest first."""
    agency = user_agency()
    results = services.dao_agency_escalations(
        current_viewer(), agency.id, page_number(), current_app.config["PAGE_SIZE"]
    )
    responses = services.dao_responses([row.escalation.id for row in results.items])
    return render_template(
        "escalations/agency.html", agency=agency, results=results, responses=responses
    )


@bp.get("/acpc/escalations")
@permission_required(Permission.VIEW_ACPC_ESCALATIONS)
def acpc():
    """Escalations raised to this ACPC, filterable by owner agency, kind and status."""
    agency = user_agency()
    form = EscalationFilterForm(request.args)
    form.agency.choices = [("", "All agencies")] + services.dao_owner_choices(agency.id)
    form.kind.choices = [("", "All kinds")] + action_queries.dao_kind_choices()
    valid = form.validate()
    filters = {
        "agency": form.agency.data if valid else None,
        "kind": (form.kind.data or None) if valid else None,
        "status": (form.status.data or "open") if valid else "open",
    }
    results = services.dao_acpc_escalations(
        current_viewer(),
        agency.id,
        owner_id=filters["agency"],
        kind=filters["kind"],
        status=filters["status"],
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    responses = services.dao_responses([row.escalation.id for row in results.items])
    return render_template(
        "escalations/acpc.html",
        agency=agency,
        form=form,
        results=results,
        responses=responses,
        filters={k: "" if v is None else v for k, v in filters.items()},
        status_label=dict(STATUS_CHOICES)[filters["status"]].lower(),
    )


def _escalation_or_404(escalation_id: int) -> services.EscalationRow:
    """Visible to the owner agency and to the agency it was raised to, if they see the child."""
    row = services.dao_escalation(current_viewer(), escalation_id)
    allowed = row is not None and current_user.agency_id in (
        row.action.owner_agency_id,
        row.escalation.agency_id,
    )
    if not allowed:
        deny(
            young_person_id=row.child.id if row else None,
            object_type="escalation",
            object_id=escalation_id,
        )
    shown_child(row.child)
    return row


@bp.route("/escalations/<int:escalation_id>", methods=["GET", "POST"])
@permission_required(Permission.VIEW_ESCALATION)
def detail(escalation_id: int):
    row = _escalation_or_404(escalation_id)
    can_respond = (
        has_permission(current_user, Permission.RESPOND_TO_ESCALATIONS)
        and row.escalation.agency_id == current_user.agency_id
    )
    form = ResponseForm() if can_respond else None
    agencies = services.agencies_for(row) if can_respond else []
    if form is not None:
        form.requested_agency.choices = [("", "No agency")] + [(a.id, a.name) for a in agencies]
    if request.method == "POST":
        if form is None:
            deny(young_person_id=row.child.id, object_type="escalation", object_id=escalation_id)
        if form.validate_on_submit():
            try:
                services.record_response(
                    row,
                    by=current_user,
                    kind=ResponseKind(form.kind.data),
                    requested_agency_id=form.requested_agency.data,
                    note=form.note.data,
                    agencies_that_can_act=agencies,
                    at=utcnow(),
                )
            except ServiceError as error:  # the response's, or the action it asks for
                show_error(form, error)
            else:
                flash("The ACPC's response has been recorded", "success")
                return redirect(url_for("escalations.detail", escalation_id=escalation_id))
    else:
        audit.record(
            "escalation_viewed",
            young_person_id=row.child.id,
            object_type="escalation",
            object_id=escalation_id,
            user=current_user,
        )
    return render_template(
        "escalations/detail.html",
        row=row,
        form=form,
        responses=services.dao_responses([row.escalation.id]).get(row.escalation.id, []),
        escalations=services.dao_action_escalations([row.action.id]).get(row.action.id, []),
    )
