"""Each role's home page."""

from itertools import groupby

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from yoi_welfare.access import current_children_clause, signed_in, user_agency
from yoi_welfare.accounts.models import Role
from yoi_welfare.people import services as people

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    agency = user_agency()
    if current_user.role is Role.ADMINISTRATOR:
        return redirect(url_for("admin.index"))
    if current_user.role is Role.ESTABLISHMENT_STAFF:
        held = people.dao_children_in_custody(current_children_clause(), establishment_id=agency.id)
        return render_template("home/establishment.html", agency=agency, held=held)
    in_custody = people.dao_children_in_custody(current_children_clause())
    if current_user.role is Role.ACPC_MEMBER:
        by_establishment = [
            (establishment, list(rows))
            for establishment, rows in groupby(in_custody, key=lambda row: row[2])
        ]
        return render_template("home/acpc.html", agency=agency, by_establishment=by_establishment)
    return render_template("home/yot.html", agency=agency, in_custody=in_custody)
