"""Each role's home page."""

from itertools import groupby

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare.access import Permission, current_viewer, has_permission, signed_in, user_agency
from yoi_welfare.accounts.models import Role
from yoi_welfare.approvals.views import waiting_for_me
from yoi_welfare.custody import services as custody
from yoi_welfare.dates import utcnow
from yoi_welfare.home import caseload
from yoi_welfare.home.managers import dao_manager_summary
from yoi_welfare.people import services as people
from yoi_welfare.screenings import queries as screenings
from yoi_welfare.self_harm.views import open_flags_list
from yoi_welfare.view_helpers import page_number

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    agency = user_agency()
    if current_user.role is Role.ADMINISTRATOR:
        return redirect(url_for("admin.index"))
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    sort, order = caseload.parse_sort(request.args.get("sort"), request.args.get("order"))
    manager = (
        dao_manager_summary(current_viewer(), agency.id, utcnow())
        if current_user.is_manager and current_user.role is not Role.ACPC_MEMBER
        else None
    )
    if current_user.role is Role.ESTABLISHMENT_STAFF:
        held = caseload.dao_caseload(
            current_viewer(),
            establishment_id=agency.id,
            sort=sort,
            order=order,
            now=utcnow(),
            page=page,
            per_page=per_page,
        )
        return render_template(
            "home/establishment.html",
            agency=agency,
            manager=manager,
            held=held,
            sort=sort,
            order=order,
            sort_links=caseload.sort_links(sort, order),
            unread_screenings=screenings.dao_unread_at(agency.id),
            open_flags=open_flags_list(agency.id),
            waiting_approvals=(
                waiting_for_me()
                if has_permission(current_user, Permission.DECIDE_APPROVALS)
                else []
            ),
        )
    if current_user.role is Role.ACPC_MEMBER:
        children = people.dao_children_in_custody(
            current_viewer(), page=page, per_page=per_page
        )
        by_establishment = [
            (establishment, list(rows))
            for establishment, rows in groupby(children.items, key=lambda row: row[2])
        ]
        return render_template(
            "home/acpc.html", agency=agency, by_establishment=by_establishment, children=children
        )
    children = caseload.dao_caseload(
        current_viewer(),
        sort=sort,
        order=order,
        now=utcnow(),
        page=page,
        per_page=per_page,
    )
    return render_template(
        "home/yot.html",
        agency=agency,
        manager=manager,
        caseload=children,
        sort=sort,
        order=order,
        sort_links=caseload.sort_links(sort, order),
        new_notes=custody.dao_new_note_counts(
            current_user.id, [row.child.id for row in children.items]
        ),
        waiting_approvals=(
            waiting_for_me() if has_permission(current_user, Permission.DECIDE_APPROVALS) else []
        ),
    )
