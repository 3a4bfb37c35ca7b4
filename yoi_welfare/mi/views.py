"""Dashboards of management information: an ACPC's of its area, a manager's of their agency.

Each measure is a chart with its table, every figure links to the list of records behind it,
and every table downloads as CSV. The figures count only the children the viewer may see.
"""

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import Permission, current_viewer, permission_required, user_agency
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.escalations.services import dao_owner_choices
from yoi_welfare.mi import measures
from yoi_welfare.mi.forms import DashboardFilterForm
from yoi_welfare.mi.period import default_period, period_problem

bp = Blueprint("mi", __name__)


def _filters(area_wide: bool) -> tuple[DashboardFilterForm, measures.Scope | None]:
    """The filter form as submitted, and the scope it asks for (None if it has errors)."""
    agency = user_agency()
    viewer = current_viewer()
    form = DashboardFilterForm(request.args)
    form.agency.choices = [("", "All agencies")] + (
        dao_owner_choices(agency.id) if area_wide else []
    )
    area_name = agency.name.removesuffix(" ACPC")
    form.agency.invalid_choice_message = f"Select an agency of {area_name} from the list"  # noqa: S608  # nosec B608: a message, not SQL
    if not form.validate():
        return form, None
    first, last = default_period(viewer.today)
    first, last = form.from_date.data or first, form.to_date.data or last
    problem = period_problem(first, last)
    if problem:
        form.to_date.errors = [problem]
        return form, None
    owner_id = form.agency.data if area_wide else agency.id
    owner = db.session().get(Agency, owner_id) if owner_id else None
    scope = measures.Scope(
        viewer=viewer,
        first=first,
        last=last,
        now=utcnow(),
        agency_id=owner_id,
        establishment_id=owner.id if owner is not None and owner.is_establishment else None,
    )
    return form, scope


def _dashboard(area_wide: bool):
    form, scope = _filters(area_wide)
    tables = measures.all_measures(scope) if scope else []
    args = request.args.to_dict(flat=False)

    def figure_link(link: measures.Link | None) -> str | None:
        if link is None:
            return None
        if link.list == "actions":
            return url_for("actions.index", **dict(link.args))
        if area_wide:
            return url_for("escalations.acpc", agency=scope.agency_id or "", **dict(link.args))
        return url_for("escalations.agency")

    return render_template(
        "mi/dashboard.html",
        agency=user_agency(),
        area_wide=area_wide,
        form=form,
        scope=scope,
        tables=tables,
        figure_link=figure_link,
        csv_endpoint="mi.area_csv" if area_wide else "mi.agency_csv",
        filter_args=args,
    )


def _csv(area_wide: bool, key: str):
    measure = measures.MEASURE_KEYS.get(key)
    if measure is None:
        abort(404)
    form, scope = _filters(area_wide)
    if scope is None:
        abort(400)
    table = measure(scope)
    audit.record(
        "management_information_exported",
        user=current_user,
        object_type="measure",
        detail=f"{key} {scope.first} to {scope.last}",
    )
    db.commit()
    response = Response(measures.to_csv(table), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{key}-{scope.first}-to-{scope.last}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/acpc/dashboard")
@permission_required(Permission.VIEW_AREA_DASHBOARD)
def area():
    """The ACPC's dashboard of its area's children, with an owner-agency filter."""
    return _dashboard(area_wide=True)


@bp.get("/dashboard")
@permission_required(Permission.VIEW_AGENCY_DASHBOARD)
def agency():
    """A manager's dashboard of the actions their agency owns."""
    return _dashboard(area_wide=False)


@bp.get("/acpc/dashboard/<key>.csv")
@permission_required(Permission.VIEW_AREA_DASHBOARD)
def area_csv(key: str):
    return _csv(area_wide=True, key=key)


@bp.get("/dashboard/<key>.csv")
@permission_required(Permission.VIEW_AGENCY_DASHBOARD)
def agency_csv(key: str):
    return _csv(area_wide=False, key=key)
