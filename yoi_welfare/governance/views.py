"""Information governance pages: sharing agreements, subject access, retention, the privacy
notice, and the print-friendly copy of a child's record."""


from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import (
    Permission,
    get_visible_child,
    permission_required,
    public,
    user_agency,
)
from yoi_welfare.admin.services import dao_agencies, dao_areas
from yoi_welfare.agencies.models import Area
from yoi_welfare.audit import services as audit
from yoi_welfare.chronology import timeline
from yoi_welfare.dates import london_today, utcnow
from yoi_welfare.governance import agreements, retention, subject_access
from yoi_welfare.governance.disclosures import Leaving, recipient_of, record_disclosures
from yoi_welfare.governance.forms import (
    AgreementForm,
    EraseForm,
    FindChildForm,
    KeepForm,
    SubjectAccessForm,
)
from yoi_welfare.governance.models import DisclosureChannel, ExportStatus, SubjectAccessExport
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.view_helpers import file_download, show_error

bp = Blueprint("governance", __name__)


@bp.get("/privacy")
@public
def privacy():
    return render_template("governance/privacy.html")


# Sharing agreements ---------------------------------------------------------------------------


@bp.get("/admin/agreements")
@permission_required(Permission.GOVERN_INFORMATION)
def agreements_index():
    return render_template(
        "governance/agreements.html",
        rows=agreements.dao_agreements(),
        today=london_today(),
    )


def _agreement_form(form: AgreementForm) -> AgreementForm:
    form.area.choices = [("", "Select area")] + [(a.id, a.name) for a in dao_areas()]
    form.parties.choices = [
        (agency.id, f"{agency.name} ({area.name})" if area else agency.name)
        for agency, area in dao_agencies()
    ]
    return form


def _details(form: AgreementForm) -> agreements.AgreementDetails:
    return agreements.AgreementDetails(
        area_id=form.area.data,
        party_ids=form.parties.data,
        **{name: form[name].data for name in agreements.AGREEMENT_TERMS},
    )


@bp.route("/admin/agreements/new", methods=["GET", "POST"])
@permission_required(Permission.GOVERN_INFORMATION)
def new_agreement():
    form = _agreement_form(AgreementForm())
    if form.validate_on_submit():
        try:
            agreement = agreements.save_agreement(_details(form), by=current_user)
        except agreements.AgreementError as error:
            show_error(form, error)
        else:
            flash(f"The agreement {agreement.title} has been recorded", "success")
            return redirect(url_for("governance.agreements_index"))
    return render_template("admin/form.html", form=form, title="Record a sharing agreement")


@bp.route("/admin/agreements/<int:agreement_id>", methods=["GET", "POST"])
@permission_required(Permission.GOVERN_INFORMATION)
def agreement(agreement_id: int):
    row = agreements.dao_agreement(agreement_id)
    if row is None:
        abort(404)
    current = row.agreement
    form = _agreement_form(
        AgreementForm(
            data={
                **{name: getattr(current, name) for name in agreements.AGREEMENT_TERMS},
                "area": current.area_id,
                "parties": [agency.id for agency in row.parties],
            }
        )
    )
    if form.validate_on_submit():
        try:
            agreements.save_agreement(_details(form), by=current_user, agreement=current)
        except agreements.AgreementError as error:
            show_error(form, error)
        else:
            flash(f"The agreement {current.title} has been changed", "success")
            return redirect(url_for("governance.agreements_index"))
    return render_template("admin/form.html", form=form, title="Change a sharing agreement")


# Subject access -------------------------------------------------------------------------------


@bp.get("/admin/subject-access")
@permission_required(Permission.GOVERN_INFORMATION)
def subject_access_find():
    form = FindChildForm(request.args, meta={"csrf": False})
    matches = None
    if "reference" in request.args and form.validate():
        matches = subject_access.dao_children_by_reference(form.reference.data)
        if not matches:
            form.reference.errors = [f"No child has the reference {form.reference.data}"]
    return render_template("governance/subject_access_find.html", form=form, matches=matches)


def _subject(child_id: int) -> tuple[YoungPerson, Area]:
    child = db.session().get(YoungPerson, child_id)
    if child is None:
        abort(404)
    return child, db.session().get(Area, child.home_area_id)


@bp.route("/admin/subject-access/children/<int:child_id>", methods=["GET", "POST"])
@permission_required(Permission.GOVERN_INFORMATION)
def subject_access_child(child_id: int):
    child, area = _subject(child_id)
    form = SubjectAccessForm()
    if form.validate_on_submit():
        subject_access.request_export(child, form.requester.data, by=current_user, at=utcnow())
        flash(
            "The export is being prepared. It is ready to download within a minute: "
            "refresh this page",
            "success",
        )
        return redirect(url_for("governance.subject_access_child", child_id=child.id))
    return render_template(
        "governance/subject_access_child.html",
        subject=child,
        area=area,
        form=form,
        exports=subject_access.dao_exports(child.id),
    )


def _download(export_id: int, file_format: str) -> Response:
    export = db.session().get(SubjectAccessExport, export_id)
    if export is None or export.status is not ExportStatus.READY:
        abort(404)
    child = db.session().get(YoungPerson, export.young_person_id)
    subject_access.record_release(export, file_format, by=current_user, at=utcnow())
    pdf_name, json_name = subject_access.filenames(child, export.produced_at)
    if file_format == "pdf":
        return file_download(export.pdf, "application/pdf", pdf_name)
    return file_download(export.document, "application/json", json_name)


@bp.get("/admin/subject-access/exports/<int:export_id>/pdf")
@permission_required(Permission.GOVERN_INFORMATION)
def subject_access_pdf(export_id: int):
    return _download(export_id, "pdf")


@bp.get("/admin/subject-access/exports/<int:export_id>/json")
@permission_required(Permission.GOVERN_INFORMATION)
def subject_access_json(export_id: int):
    return _download(export_id, "json")


# Retention ------------------------------------------------------------------------------------


@bp.get("/admin/retention")
@permission_required(Permission.GOVERN_INFORMATION)
def retention_index():
    return render_template(
        "governance/retention.html",
        due=retention.dao_reviews(retention.RetentionStatus.DUE),
        decided=[
            row
            for row in retention.dao_reviews()
            if row.review.status is not retention.RetentionStatus.DUE
        ],
        years=retention.years_after_18(),
    )


def _review_or_404(retention_review_id: int) -> retention.ReviewRow:
    row = retention.dao_review(retention_review_id)
    if row is None:
        abort(404)
    return row


def _review_page(row: retention.ReviewRow, submitted: EraseForm | KeepForm | None = None):
    """The review with both decisions; a submitted form shows again with its errors."""
    erase_form = EraseForm(formdata=None, prefix="erase")
    keep_form = KeepForm(formdata=None, prefix="keep")
    if isinstance(submitted, EraseForm):
        erase_form = submitted
    elif isinstance(submitted, KeepForm):
        keep_form = submitted
    return render_template(
        "governance/retention_review.html",
        row=row,
        erase_form=erase_form,
        keep_form=keep_form,
        form=submitted,
    )


@bp.get("/admin/retention/<int:retention_review_id>")
@permission_required(Permission.GOVERN_INFORMATION)
def retention_review(retention_review_id: int):
    return _review_page(_review_or_404(retention_review_id))


def _decide(retention_review_id: int, form, decide, done: str):
    """Carry out one decision on a review, or show the review again with what went wrong."""
    row = _review_or_404(retention_review_id)
    if form.validate_on_submit():
        try:
            decide(row.review, form)
        except retention.RetentionError as error:
            show_error(form, error)
        else:
            flash(done.format(reference=row.review.local_reference), "success")
            return redirect(url_for("governance.retention_index"))
    return _review_page(_review_or_404(retention_review_id), form)


@bp.post("/admin/retention/<int:retention_review_id>/erase")
@permission_required(Permission.GOVERN_INFORMATION)
def retention_erase(retention_review_id: int):
    return _decide(
        retention_review_id,
        EraseForm(prefix="erase"),
        lambda review, form: retention.erase(
            review,
            reference=form.reference.data,
            reason=form.reason.data,
            by=current_user,
            now=utcnow(),
        ),
        "The records of {reference} have been deleted. The audit trail keeps a record that "
        "they were",
    )


@bp.post("/admin/retention/<int:retention_review_id>/keep")
@permission_required(Permission.GOVERN_INFORMATION)
def retention_keep(retention_review_id: int):
    return _decide(
        retention_review_id,
        KeepForm(prefix="keep"),
        lambda review, form: retention.keep(
            review,
            until=form.keep_until.data,
            reason=form.reason.data,
            by=current_user,
            now=utcnow(),
        ),
        "The records of {reference} are kept for now",
    )


# Printing a child's record --------------------------------------------------------------------


@bp.get("/children/<int:child_id>/print")
@permission_required(Permission.PRINT_CHILD_RECORD)
def print_record(child_id: int):
    child = get_visible_child(child_id)
    now = utcnow()
    audit.record(
        "child_record_printed",
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
        user=current_user,
    )
    record_disclosures(
        [Leaving(child.id, recipient_of(current_user, user_agency().name))],
        channel=DisclosureChannel.PRINT,
        purpose="Print-friendly copy of the child's record",
        at=now,
        by=current_user,
        object_type="young_person",
        object_id=child.id,
    )
    record = ChildRecord(child, current_user)
    return render_template(
        "governance/print.html",
        child=child,
        history=record.placements,
        placement_exceptions=record.placement_exceptions,
        placement_corrections=record.placement_corrections,
        home_area=db.session().get(Area, child.home_area_id),
        entries=timeline.chronology(record, None),
        printed_at=now,
    )
