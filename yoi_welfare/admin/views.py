"""Administration of areas, agencies and users. Administrators see no child's record."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import Permission, permission_required
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions import rule_changes
from yoi_welfare.admin import services
from yoi_welfare.admin.forms import (
    AgencyForm,
    AreaForm,
    HoldsForm,
    MergeChildrenForm,
    UserActionForm,
    UserChangeForm,
    UserForm,
)
from yoi_welfare.agencies.models import AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import london_today, utcnow
from yoi_welfare.governance import agreements, retention
from yoi_welfare.jobs import job_health
from yoi_welfare.people import merge
from yoi_welfare.view_helpers import page_number, show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@permission_required(Permission.ADMINISTER)
def index():
    today = london_today()
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    return render_template(
        "admin/index.html",
        areas=services.dao_areas(),
        agencies=services.dao_agencies(),
        users=services.dao_users(page, per_page),
        past_review=agreements.dao_agreements_past_review(today),
        without_manager=services.dao_agencies_without_manager(),
        acpcs_without_member=services.dao_acpcs_without_member(),
        held_unseen=services.dao_held_unseen(today),
        unhealthy_jobs=[job for job in job_health(utcnow()) if not job.healthy],
        failed_emails=services.dao_failed_email_count(),
        retention_due=retention.dao_due_review_count(),
        rule_changes=rule_changes.dao_pending_changes(),
        today=today,
    )


@bp.route("/areas/new", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def new_area():
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = services.create_area(form.code.data, form.name.data, by=current_user)
        except services.AdminError as error:
            show_error(form, error)
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
                form.code.data,
                form.name.data,
                AgencyKind(form.kind.data),
                form.area.data,
                by=current_user,
            )
        except services.AdminError as error:
            show_error(form, error)
        else:
            flash(f"Agency {agency.name} has been created", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/form.html", form=form, title="Create an agency")


@bp.route("/establishments/<int:establishment_id>/holds", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def establishment_holds(establishment_id: int):
    agency = services.dao_agency(establishment_id)
    if agency is None or not agency.is_establishment:
        abort(404)
    holds = agency.holds
    form = HoldsForm(
        data={
            "sexes": [sex for sex, held in (("boys", holds.boys), ("girls", holds.girls)) if held],
            "youngest": holds.youngest,
            "oldest": holds.oldest,
        }
    )
    if form.validate_on_submit():
        try:
            changed = services.change_holds(
                agency,
                boys="boys" in form.sexes.data,
                girls="girls" in form.sexes.data,
                youngest=form.youngest.data,
                oldest=form.oldest.data,
                by=current_user,
            )
        except services.AdminError as error:
            show_error(form, error)
        else:
            flash(
                f"{agency.name} now holds {agency.holds.describe()}"
                if changed
                else "Nothing was changed",
                "success",
            )
            return redirect(url_for("admin.index"))
    return render_template(
        "admin/form.html",
        form=form,
        title=f"Whom {agency.name} holds",
        lede="A child outside these sexes and ages is admitted or transferred here only by a "
        "placement exception, with the reason, which the managers are told of.",
    )


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
                by=current_user,
            )
        except services.AdminError as error:
            show_error(form, error)
        else:
            flash(f"User {user.email} has been created", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/form.html", form=form, title="Create a user")


def _user_or_404(user_id: int) -> User:
    user = services.dao_user(user_id)
    if user is None:
        abort(404)
    return user


def _agency_choices() -> list:
    return [("", "Select agency")] + [
        (agency.id, agency.name) for agency, _area in services.dao_agencies()
    ]


def _user_page(user: User, form: UserChangeForm):
    return render_template(
        "admin/user.html",
        user=user,
        agency=services.dao_agency(user.agency_id),
        form=form,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def user(user_id: int):
    user = _user_or_404(user_id)
    form = UserChangeForm(
        data={
            "role": user.role.value,
            "agency": user.agency_id,
            "is_manager": user.is_manager,
            "version": user.version,
        }
    )
    form.role.choices = [(r.value, r.label) for r in Role]
    form.agency.choices = _agency_choices()
    if form.validate_on_submit():
        try:
            changes = services.change_user(
                user,
                form.version.data,
                Role(form.role.data),
                form.agency.data,
                form.is_manager.data,
                by=current_user,
            )
        except services.AdminError as error:
            show_error(form, error)
            user = _user_or_404(user_id)
            # Saving again applies this form over the change that was made meanwhile.
            form.version.data = user.version
        else:
            flash(
                f"{user.name}'s details have been changed" if changes else "Nothing was changed",
                "success",
            )
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, form)


def _user_action(user_id: int, action, message: str):
    user = _user_or_404(user_id)
    form = UserActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with db.unit_of_work():
            action(user, form.version.data)
    except services.AdminError as error:
        flash(error.message, "error")
    else:
        flash(message.format(name=user.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@permission_required(Permission.ADMINISTER)
def deactivate_user(user_id: int):
    return _user_action(
        user_id,
        lambda user, version: services.set_user_active(user, version, False, by=current_user),
        "{name} has been deactivated and signed out everywhere",
    )


@bp.post("/users/<int:user_id>/reactivate")
@permission_required(Permission.ADMINISTER)
def reactivate_user(user_id: int):
    return _user_action(
        user_id,
        lambda user, version: services.set_user_active(user, version, True, by=current_user),
        "{name} has been reactivated",
    )


@bp.post("/users/<int:user_id>/reset-two-factor")
@permission_required(Permission.ADMINISTER)
def reset_two_factor(user_id: int):
    return _user_action(
        user_id,
        lambda user, version: services.reset_second_factor(user, version, by=current_user),
        "{name}'s two-factor authentication has been reset: they set it up again at next sign-in",
    )


@bp.get("/users/<int:user_id>/activity")
@permission_required(Permission.ADMINISTER)
def user_activity(user_id: int):
    user = _user_or_404(user_id)
    audit.record("user_activity_viewed", object_type="user", object_id=user.id, user=current_user)
    events = audit.dao_events_by_user(user, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("admin/activity.html", user=user, events=events)


@bp.route("/merge-children", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def merge_children():
    """Two records of one child made one: find both by reference, check them, then merge."""
    form = MergeChildrenForm()
    areas = [(area.id, area.name) for area in services.dao_areas()]
    form.merged_area.choices = [("", "Select home area"), *areas]
    form.kept_area.choices = [("", "Select home area"), *areas]
    sides = None
    if form.validate_on_submit():
        try:
            with db.unit_of_work():
                merged = merge.dao_child(
                    form.merged_area.data, form.merged_reference.data, "merged_reference"
                )
                kept = merge.dao_child(
                    form.kept_area.data, form.kept_reference.data, "kept_reference"
                )
                if form.checked.data == merge.fingerprint(merged, kept):
                    result = merge.merge_children(
                        current_user, merged, kept, reason=form.reason.data, now=utcnow()
                    )
                else:
                    sides = (merge.dao_side(merged), merge.dao_side(kept))
                    form.checked.data = merge.fingerprint(merged, kept)
                    for side in sides:
                        audit.record(
                            "merge_checked",
                            user=current_user,
                            young_person_id=side.child.id,
                            object_type="young_person",
                            object_id=side.child.id,
                        )
        except merge.MergeError as error:
            show_error(form, error)
            sides = None
            form.checked.data = ""  # check the records again before merging
        else:
            if sides is None:
                flash(
                    f"{result.merge.merged_local_reference} is merged into "
                    f"{kept.local_reference}: {sum(result.moved.values())} records moved. "
                    f"{result.told} {'person' if result.told == 1 else 'people'} at the "
                    "children's YOTs will be emailed",
                    "success",
                )
                return redirect(url_for("admin.merge_children"))
    return render_template("admin/merge.html", form=form, sides=sides)
