"""Children: search, register, the child's page, and admission, transfer and release."""

from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import (
    Permission,
    current_viewer,
    deny,
    get_visible_child,
    has_permission,
    holds_child,
    home_area,
    permission_required,
    user_agency,
)
from yoi_welfare.actions.views import child_actions_panel
from yoi_welfare.agencies.models import Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.chronology import timeline
from yoi_welfare.custody.views import notes_panel, remember_notes_read
from yoi_welfare.dates import (
    LONDON,
    format_date,
    format_datetime,
    london_instant,
    london_today,
    utcnow,
)
from yoi_welfare.errors import ServiceError
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.paging import Page
from yoi_welfare.people import corrections, duplicates, exceptions, merge, services
from yoi_welfare.people.forms import (
    DIFFERENT_CHILD,
    ChangeChildForm,
    CorrectPlacementForm,
    FindChildForAdmissionForm,
    RegisterChildForm,
    ReleaseForm,
    SearchForm,
    TransferForm,
)
from yoi_welfare.people.models import (
    CorrectedMoment,
    DuplicateOccasion,
    LegalStatus,
    Placement,
    ReleaseDestination,
    ReleaseReason,
    Sex,
    YoungPerson,
)
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.reviews.views import reviews_panel
from yoi_welfare.screenings.views import child_screenings_panel
from yoi_welfare.self_harm import queries as self_harm_queries
from yoi_welfare.self_harm.views import flag_panel
from yoi_welfare.view_helpers import page_number, show_error

bp = Blueprint("people", __name__)


@bp.get("/children")
@permission_required(Permission.VIEW_CHILDREN)
def search():
    form = SearchForm(request.args)
    query = form.q.data or "" if form.validate() else ""
    results = services.dao_search_children(
        current_viewer(), query, page_number(), current_app.config["PAGE_SIZE"]
    )
    return render_template("people/search.html", form=form, query=query, results=results)


@bp.route("/children/new", methods=["GET", "POST"])
@permission_required(Permission.REGISTER_CHILD)
def register():
    agency = user_agency()
    areas = services.dao_areas()
    form = RegisterChildForm()
    # A YOT registers children of its own area only.
    form.home_area.choices = [(a.id, a.name) for a in areas if a.id == agency.area_id]
    if first_shown():
        form.home_area.data = agency.area_id
    found = None
    if form.validate_on_submit():
        details = _details(form)
        described = duplicates.Details(
            details["given_name"],
            details["family_name"],
            details["date_of_birth"],
            details["pnc_number"],
        )
        found = duplicates.dao_possible_duplicates(current_viewer(), described)
        answer = _duplicate_answer(
            form,
            found,
            described,
            same="Yes, this is {}",
            different="No, this is a different child",
        )
        if answer.chosen is not None:
            duplicates.record_chosen(current_user, answer.chosen, DuplicateOccasion.REGISTRATION)
            flash(f"No new record was made: {answer.chosen.full_name} is registered already")
            return redirect(url_for("people.child", child_id=answer.chosen.id))
        if not answer.asking:
            try:
                child = services.register_child(
                    current_user, home_area_id=form.home_area.data, **details
                )
                if answer.reason:
                    duplicates.record_different(
                        current_user, child, found, DuplicateOccasion.REGISTRATION, answer.reason
                    )
            except services.PeopleError as error:
                show_error(form, error)
            else:
                flash(f"{child.full_name} has been registered", "success")
                return redirect(url_for("people.child", child_id=child.id))
    return render_template("people/register.html", form=form, found=found)


@dataclass(frozen=True)
class DuplicateAnswer:
    asking: bool = False  # the question is (still) to be answered
    chosen: YoungPerson | None = None  # the existing child the user picked
    reason: str | None = None  # why the user says this is a different child


def _duplicate_answer(
    form, found: duplicates.PossibleDuplicates, details: duplicates.Details, *, same, different
) -> DuplicateAnswer:
    """What the user answered about the possible duplicates found; a first sight of them, or
    of changed ones, asks."""
    if not found.found:
        return DuplicateAnswer()
    form.duplicate_choice.choices = [
        (str(child.id), same.format(_match_label(child))) for child in found.shown
    ] + [(DIFFERENT_CHILD, different)]
    fingerprint = found.fingerprint(details)
    if form.duplicates_checked.data != fingerprint:
        form.duplicates_checked.data = fingerprint
        form.duplicate_choice.data = None
        form.duplicate_choice.errors = [
            "This child may be recorded already: check the possible matches and answer"
        ]
        return DuplicateAnswer(asking=True)
    choice = form.duplicate_choice.data
    if choice == DIFFERENT_CHILD:
        if not form.different_reason.data:
            form.different_reason.errors = ["Enter why this is a different child"]
            return DuplicateAnswer(asking=True)
        return DuplicateAnswer(reason=form.different_reason.data)
    chosen = next((child for child in found.shown if str(child.id) == choice), None)
    if chosen is None:
        form.duplicate_choice.errors = [
            "Select one of the children shown, or that this is a different child"
        ]
        return DuplicateAnswer(asking=True)
    return DuplicateAnswer(chosen=chosen)


def _match_label(child: YoungPerson) -> str:
    pnc = f", PNC {child.pnc_number}" if child.pnc_number else ""
    return (
        f"{child.full_name}, born {format_date(child.date_of_birth)}, "
        f"reference {child.local_reference}{pnc}"
    )


@bp.get("/children/<int:child_id>")
@permission_required(Permission.VIEW_CHILDREN)
def child(child_id: int):
    # Every statement of the page looks up by the child's id: one plan each serves every child.
    db.reuse_plans(generic=True)
    kept_id = merge.dao_merged_into(child_id)
    if kept_id is not None:
        # A merged record's page is the kept child's, for whoever may see that child.
        get_visible_child(kept_id)
        return redirect(url_for("people.child", child_id=kept_id))
    young_person = get_visible_child(child_id)
    record = ChildRecord(young_person, current_user)
    kind = request.args.get("kind") or None
    per_page = current_app.config["PAGE_SIZE"]
    page = page_number()
    # Only as far back as this page, and one more entry to tell whether there is a next page.
    entries = timeline.chronology(record, kind, limit=page * per_page + 1)
    shown = entries[(page - 1) * per_page : page * per_page]
    html = render_template(
        "people/child.html",
        chronology=Page(shown, page, per_page, len(entries)),
        chronology_kinds=timeline.kind_choices(),
        chronology_kind=kind if kind in timeline.KINDS else "",
        child=young_person,
        history=record.placements,
        placement_exceptions=record.placement_exceptions,
        placement_corrections=record.placement_corrections,
        correctable_admissions=_correctable(young_person, record, CorrectedMoment.ADMISSION),
        correctable_releases=_correctable(young_person, record, CorrectedMoment.LEAVING),
        current=record.current,
        home_area=home_area(young_person),
        can_move=holds_child(young_person),
        can_change_details=can_change_details(young_person),
        actions=child_actions_panel(record),
        screenings=child_screenings_panel(record),
        self_harm=flag_panel(record),
        notes=notes_panel(record),
        reviews=reviews_panel(record),
    )
    # Written once the page is rendered: the page reads without a lock (SQLite), and on
    # PostgreSQL the audit chain's head stays locked from here to the commit, so the shorter
    # that is, the more views can be recorded at once.
    # The notes the chronology showed are read; the latest notes above it are only listed.
    shown_notes = {entry.note_id for entry in shown if entry.note_id is not None}
    remember_notes_read(
        young_person,
        [row for note_id, row in record.notes_loaded.items() if note_id in shown_notes],
        record.notes_read_by_reader,
    )
    audit.record(
        "child_viewed",
        user=current_user,
        young_person_id=child_id, object_type="young_person", object_id=child_id,
    )
    return html


def _correctable(child: YoungPerson, record: ChildRecord, moment: CorrectedMoment) -> set[int]:
    """The placements whose admission (or release) the user may correct, for the links."""
    if not has_permission(current_user, Permission.CORRECT_PLACEMENT):
        return set()
    agency = user_agency()
    placements = [placement for placement, _establishment in record.placements]
    return {
        placement.id
        for placement in placements
        if corrections.can_correct(
            current_user,
            agency,
            child,
            placement,
            moment,
            corrections.neighbours_among(placements, placement),
        )
    }


def can_change_details(child: YoungPerson) -> bool:
    """The child's own YOT corrects their details, as it registered them."""
    return (
        has_permission(current_user, Permission.REGISTER_CHILD)
        and user_agency().area_id == child.home_area_id
    )


@bp.route("/children/<int:child_id>/details", methods=["GET", "POST"])
@permission_required(Permission.REGISTER_CHILD)
def change_details(child_id: int):
    child = get_visible_child(child_id)
    if not can_change_details(child):
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    if first_shown():
        form = ChangeChildForm(obj=child, seen=services.details_fingerprint(child))
        form.sex.data = child.sex.value
        form.legal_status.data = child.legal_status.value
        form.looked_after.data = "yes" if child.looked_after else "no"
        form.child_protection_plan.data = "yes" if child.child_protection_plan else "no"
    else:
        form = ChangeChildForm()
    if form.validate_on_submit():
        try:
            with db.unit_of_work():
                changed = services.change_child(
                    current_user,
                    child,
                    seen=form.seen.data,
                    status_change=services.StatusChange(form.status_change.data)
                    if form.status_change.data
                    else None,
                    **_details(form),
                )
        except services.StaleDetailsError as error:
            # Start again from the details as they are now.
            flash(error.message, "important")
            return redirect(url_for("people.change_details", child_id=child_id))
        except ServiceError as error:  # the child's, or an action's
            show_error(form, error)
        else:
            if changed.words:
                flash(f"{child.full_name}'s {_listed(changed.words)} changed", "success")
            if changed.cancelled or changed.made:
                flash(_deadlines_moved(changed), "important")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template("people/change.html", form=form, child=child)


def _deadlines_moved(changed: services.DetailsChange) -> str:
    """Says which of the admission's deadlines the new legal status cancelled or made."""
    parts = [f"{action.title} cancelled" for action in changed.cancelled] + [
        f"{action.title} due {format_datetime(action.due_at)}" for action in changed.made
    ]
    return f"The admission's deadlines now fit the legal status: {_listed(parts)}."


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _details(form) -> dict:
    """The child's details as the registration and change forms give them."""
    return {
        "given_name": form.given_name.data,
        "family_name": form.family_name.data,
        "date_of_birth": form.date_of_birth.data,
        "sex": Sex(form.sex.data),
        "ethnicity": form.ethnicity.data,
        "local_reference": form.local_reference.data.upper(),
        "pnc_number": (form.pnc_number.data or "").upper() or None,
        "legal_status": LegalStatus(form.legal_status.data),
        "looked_after": form.looked_after.data == "yes",
        "child_protection_plan": form.child_protection_plan.data == "yes",
    }


@bp.route("/admissions/new", methods=["GET", "POST"])
@permission_required(Permission.MOVE_CHILD)
def admit():
    form = FindChildForAdmissionForm()
    form.home_area.choices = [("", "Select home area")] + [
        (a.id, a.name) for a in services.dao_areas()
    ]
    if first_shown():
        form.on_date.data = london_today()
    found = None
    if form.validate_on_submit():
        try:
            child = services.find_child_for_admission(
                form.home_area.data, form.local_reference.data, form.date_of_birth.data
            )
            described = duplicates.Details.of(child)
            found = duplicates.dao_possible_duplicates(
                current_viewer(), described, excluding=child.id
            )
            answer = _duplicate_answer(
                form,
                found,
                described,
                same="Yes: admit {}",
                different=f"No, they are different children: admit {_match_label(child)}",
            )
            if not answer.asking:
                if answer.chosen is not None:
                    duplicates.record_chosen(
                        current_user, answer.chosen, DuplicateOccasion.ADMISSION
                    )
                    child = answer.chosen
                when = london_instant(form.on_date.data, form.at_time.time_value)
                services.admit(
                    current_user,
                    child,
                    user_agency(),
                    when,
                    utcnow(),
                    late_reason=form.late_reason.data or None,
                    exception_reason=form.exception_reason.data or None,
                )
                if answer.reason:
                    duplicates.record_different(
                        current_user, child, found, DuplicateOccasion.ADMISSION, answer.reason
                    )
        except ServiceError as error:  # the child's, or the deadlines the admission sets
            show_error(form, error)
        else:
            if not answer.asking:
                flash(f"{child.full_name} has been admitted", "success")
                return redirect(url_for("people.child", child_id=child.id))
    return render_template("people/admit.html", form=form, found=found)


def _held_child_or_404(child_id: int):
    young_person = get_visible_child(child_id)
    if not holds_child(young_person):
        # Seeing a child is not enough to move them: only the holding establishment may.
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    return young_person


@bp.route("/children/<int:child_id>/transfer", methods=["GET", "POST"])
@permission_required(Permission.MOVE_CHILD)
def transfer(child_id: int):
    young_person = _held_child_or_404(child_id)
    # Only establishments that could see the child's record may hold them.
    establishments = services.dao_establishments(seeing_area_id=young_person.home_area_id)
    form = TransferForm()
    form.destination.choices = [("", "Select establishment")] + [
        (e.id, e.name) for e in establishments if e.id != current_user.agency_id
    ]
    form.destination.description = (
        f"Establishments that are parties to {home_area(young_person).name}'s sharing agreement"
    )
    if first_shown():
        form.on_date.data = london_today()
    if form.validate_on_submit():
        destination = next(e for e in establishments if e.id == form.destination.data)
        try:
            when = london_instant(form.on_date.data, form.at_time.time_value)
            services.transfer(
                current_user,
                young_person,
                destination,
                when,
                utcnow(),
                late_reason=form.late_reason.data or None,
                exception_reason=form.exception_reason.data or None,
            )
        except ServiceError as error:  # the child's, or the actions and flags that follow them
            show_error(form, error)
        else:
            flash(f"{young_person.full_name} has been transferred to {destination.name}", "success")
            return redirect(url_for("home.index"))
    return render_template("people/transfer.html", form=form, child=young_person)


@bp.route("/children/<int:child_id>/release", methods=["GET", "POST"])
@permission_required(Permission.MOVE_CHILD)
def release(child_id: int):
    young_person = _held_child_or_404(child_id)
    open_flag = self_harm_queries.dao_open_flag(young_person.id)
    yot_told = bool(open_flag and self_harm_queries.yot_managers(young_person))
    form = ReleaseForm()
    if first_shown():
        form.on_date.data = london_today()
    if form.validate_on_submit():
        try:
            when = london_instant(form.on_date.data, form.at_time.time_value)
            services.release(
                current_user,
                young_person,
                when,
                utcnow(),
                reason=ReleaseReason(form.reason.data),
                destination=ReleaseDestination(form.destination.data)
                if form.destination.data
                else None,
                late_reason=form.late_reason.data or None,
            )
        except ServiceError as error:  # the child's, or a self-harm flag's
            show_error(form, error)
        else:
            released = f"{young_person.full_name} has been released"
            if form.reason.data == ReleaseReason.DEATH_IN_CUSTODY:
                released = (
                    f"{young_person.full_name}'s death in custody has been recorded. The managers "
                    "of their YOT and the area's ACPC have been told"
                )
            elif open_flag is not None:
                released += ". Their self-harm flag has ended" + (
                    " and their YOT's managers have been told"
                    if yot_told
                    else ". No manager at their YOT has an account to tell: tell the YOT yourself"
                )
            flash(released, "success")
            return redirect(url_for("people.child", child_id=child_id))
    return render_template(
        "people/release.html",
        form=form,
        child=young_person,
        open_flag=open_flag,
        yot_told=yot_told,
    )


@bp.get("/placement-exceptions")
@permission_required(Permission.VIEW_PLACEMENT_EXCEPTIONS)
def placement_exceptions():
    """Managers' list: children placed outside whom the establishment holds, latest first, at
    their establishment or, for a YOT, of their area."""
    agency = user_agency()
    results = exceptions.dao_exceptions_for_managers(
        agency,
        current_viewer(),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    audit.record(
        "placement_exceptions_viewed", object_type="agency", object_id=agency.id, user=current_user
    )
    return render_template("people/exceptions.html", agency=agency, results=results)


@bp.route("/placements/<int:placement_id>/correct-admission", methods=["GET", "POST"])
@permission_required(Permission.CORRECT_PLACEMENT)
def correct_admission(placement_id: int):
    return _correct(placement_id, CorrectedMoment.ADMISSION)


@bp.route("/placements/<int:released_placement_id>/correct-release", methods=["GET", "POST"])
@permission_required(Permission.CORRECT_PLACEMENT)
def correct_release(released_placement_id: int):
    return _correct(released_placement_id, CorrectedMoment.LEAVING)


def _correct(placement_id: int, moment: CorrectedMoment):
    """The audited "correct this" page for one end of a placement."""
    placement = db.session().get(Placement, placement_id)
    if placement is None:
        deny(object_type="placement", object_id=placement_id)
    child = get_visible_child(placement.young_person_id)
    neighbours = corrections.dao_neighbours(placement)
    if not corrections.can_correct(
        current_user, user_agency(), child, placement, moment, neighbours
    ):
        deny(young_person_id=child.id, object_type="placement", object_id=placement_id)
    establishment = db.session().get(Agency, placement.establishment_id)
    admission = moment is CorrectedMoment.ADMISSION
    if not admission:
        what = f"release from {establishment.name}"
    elif neighbours.transferred_in(placement):
        sending = db.session().get(Agency, neighbours.before.establishment_id)
        what = f"transfer from {sending.name} to {establishment.name}"
    else:
        what = f"admission to {establishment.name}"
    recorded = placement.admitted_at if admission else placement.left_at
    seen = corrections.fingerprint(placement, neighbours, child)
    if first_shown():
        local = recorded.astimezone(LONDON)
        form = CorrectPlacementForm(
            seen=seen,
            on_date=local.date(),
            at_time=local.strftime("%H:%M"),
            establishment=placement.establishment_id,
            legal_status=child.legal_status.value,
        )
    else:
        form = CorrectPlacementForm()
    establishments = []
    if admission:
        # Only establishments that could see the child's record may have held them.
        establishments = services.dao_establishments(seeing_area_id=child.home_area_id)
        if establishment not in establishments:
            establishments.append(establishment)
        form.establishment.choices = [(e.id, e.name) for e in establishments]
        form.establishment.description = (
            f"Establishments that are parties to {home_area(child).name}'s sharing agreement"
        )
        if not neighbours.in_current_episode:
            del form.legal_status
    else:
        del form.establishment, form.legal_status, form.exception_reason
    if form.validate_on_submit():
        when = london_instant(form.on_date.data, form.at_time.time_value)
        chosen = (
            next((e for e in establishments if e.id == form.establishment.data), None)
            if admission
            else None
        )
        try:
            corrected = corrections.correct(
                current_user,
                child,
                placement,
                moment,
                when=when,
                reason=form.reason.data,
                seen=form.seen.data,
                now=utcnow(),
                establishment=chosen,
                legal_status=LegalStatus(form.legal_status.data)
                if admission and neighbours.in_current_episode and form.legal_status.data
                else None,
                exception_reason=(form.exception_reason.data or None) if admission else None,
            )
        except corrections.StalePlacementError as error:
            # Start again from the placement as it is now: nothing was changed.
            flash(error.message, "important")
            return redirect(request.path)
        except ServiceError as error:  # the placement's, or an action's
            show_error(form, error)
        else:
            flash(_corrected_banner(what, when, chosen, corrected, child), "success")
            if corrected.moved and (corrected.moved.moved or corrected.moved.replaced):
                flash(_deadlines_corrected(corrected.moved), "important")
            if corrected.cancelled or corrected.made:
                moved = services.DetailsChange(cancelled=corrected.cancelled, made=corrected.made)
                flash(_deadlines_moved(moved), "important")
            if not corrections.may_still_see(current_user, child):
                # The establishment corrected the child's only stay with it away.
                return redirect(url_for("home.index"))
            return redirect(url_for("people.child", child_id=child.id))
    return render_template(
        "people/correct.html",
        form=form,
        child=child,
        what=what,
        recorded=recorded,
        establishment=establishment,
        admission=admission,
        earlier=corrections.dao_child_corrections(child.id).get(placement.id, []),
    )


def _corrected_banner(
    what: str, when, establishment: Agency | None, corrected, child: YoungPerson
) -> str:
    """Says what the correction put right."""
    parts = []
    if "date and time" in corrected.words:
        parts.append(f"now reads {format_datetime(when)}")
    if "establishment" in corrected.words:
        parts.append(f"was in fact to {establishment.name}")
    if "legal status" in corrected.words:
        parts.append(f"records the legal status as {child.legal_status.label.lower()}")
    return f"The {what} {_listed(parts)}"


def _deadlines_corrected(moved) -> str:
    """Says where the admission's deadlines now fall, and what was withdrawn."""
    parts = [
        f"{action.title} due {format_datetime(action.due_at)}"
        for action in moved.moved + [new for _old, new in moved.replaced]
    ]
    said = f"The admission's deadlines now count from the corrected date: {_listed(parts)}."
    if moved.withdrawn:
        count = len(moved.withdrawn)
        said += (
            f" {count} {'escalation was' if count == 1 else 'escalations were'} raised only "
            "because of the wrong date, and withdrawn."
        )
    return said
