"""Administration of areas, agencies and users. Administrators see no child's record."""

from flask import Blueprint, flash, redirect, render_template, url_for

from yoi_welfare import db
from yoi_welfare.access import Permission, permission_required
from yoi_welfare.accounts.models import Role
from yoi_welfare.admin import services
from yoi_welfare.admin.forms import AgencyForm, AreaForm, UserForm
from yoi_welfare.agencies.models import AgencyKind

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _show_error(form, error: services.AdminError) -> None:
    db.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.get("/")
@permission_required(Permission.ADMINISTER)
def index():
    return render_template(
        "admin/index.html",
        areas=services.dao_areas(),
        agencies=services.dao_agencies(),
        users=services.dao_users(),
    )


@bp.route("/areas/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_area():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = services.create_area(form.code.data, form.name.data)
        except services.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Area {area.name} has been created", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/form.html", form=form, title="Create an area")


@bp.route("/agencies/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_agency():
    form = AgencyForm()
    form.kind.choices = [(k.value, k.label) for k in AgencyKind]
    form.area.choices = [("", "No area (establishment)")] + [
        (a.id, a.name) for a in services.dao_areas()
    ]
    if form.validate_on_submit():
        try:
            agency = services.create_agency(
                form.code.data, form.name.data, AgencyKind(form.kind.data), form.area.data
            )
        except services.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Agency {agency.name} has been created", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/form.html", form=form, title="Create an agency")


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_user():
    form = UserForm()
    form.role.choices = [(r.value, r.label) for r in Role]
    form.agency.choices = [("", "Select agency")] + [
        (agency.id, agency.name) for agency, _area in services.dao_agencies()
    ]
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.name.data,
                form.email.data,
                Role(form.role.data),
                form.agency.data,
                form.is_manager.data,
                form.password.data,
            )
        except services.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"User {user.email} has been created", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/form.html", form=form, title="Create a user")
