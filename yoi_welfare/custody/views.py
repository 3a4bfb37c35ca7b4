"""Custody welfare notes: the child's notes, writing one, reading one, amending one.

Everyone who can see the child reads every note. Only the establishment holding the child
writes; only the author's establishment amends, and only while it still holds the child.
A YOT officer's reading of the notes (on the child's page or the notes page) is remembered,
so their home page can show what is new since.
"""

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import (
    Permission,
    can_record,
    deny,
    get_visible_child,
    has_permission,
    holds_child,
    may_amend_note,
    permission_required,
)
from yoi_welfare.accounts.models import Role
from yoi_welfare.audit import services as audit
from yoi_welfare.custody import services
from yoi_welfare.custody.forms import AmendNoteForm, NoteForm
from yoi_welfare.custody.models import NoteCategory
from yoi_welfare.dates import utcnow
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.paging import Page
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.view_helpers import page_number, show_error

bp = Blueprint("custody", __name__)
LATEST = 5


def remember_notes_read(
    child: YoungPerson, rows: list[services.NoteRow], read: dict[int, datetime]
) -> None:
    """A YOT officer has read these notes, as they stand: the badge on their caseload no longer
    counts them. Called once the page is rendered; nothing is written for notes they had read
    as they stand (``read``)."""
    if current_user.role is not Role.YOT_OFFICER or not services.unread(rows, read):
        return
    db.writes()
    services.mark_notes_read(current_user, rows, read)


def notes_panel(record: ChildRecord) -> dict | None:
    """What the child's page shows of the notes: the latest, marked if new to the reader.
    Showing them here does not count as reading them: the chronology, the notes page and the
    note's own page do."""
    if not has_permission(current_user, Permission.VIEW_CHILDREN):
        return None
    rows = record.latest_notes(LATEST)
    return {
        "latest": rows,
        "total": record.note_count if len(rows) == LATEST else len(rows),
        "new": services.unread(rows, record.notes_read_by_reader),
        "can_write": can_record(record.child),
    }


@bp.get("/children/<int:child_id>/notes")
@permission_required(Permission.VIEW_CHILDREN)
def index(child_id: int):
    child = get_visible_child(child_id)
    per_page = current_app.config["PAGE_SIZE"]
    page = page_number()
    rows = services.dao_notes(child.id, limit=per_page, offset=(page - 1) * per_page)
    read = services.dao_notes_read(current_user, child.id)
    new = services.unread(rows, read) if current_user.role is Role.YOT_OFFICER else set()
    html = render_template(
        "custody/index.html",
        child=child,
        notes=Page(rows, page, per_page, services.dao_note_count(child.id)),
        new=new,
        can_write=can_record(child),
    )
    remember_notes_read(child, rows, read)
    audit.record(
        "custody_notes_viewed",
        young_person_id=child.id,
        object_type="young_person",
        object_id=child.id,
        user=current_user,
    )
    return html


@bp.route("/children/<int:child_id>/notes/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def new(child_id: int):
    child = get_visible_child(child_id)
    if not holds_child(child):
        # An establishment the child has left reads their notes but writes no more.
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.write_note(
                child,
                by=current_user,
                category=NoteCategory(form.category.data),
                text=form.text.data,
                now=utcnow(),
            )
        except services.CustodyError as error:
            show_error(form, error)
        else:
            flash(f"Note saved. {child.full_name}'s YOT can read it now", "success")
            return redirect(url_for("people.child", child_id=child.id))
    return render_template("custody/new.html", form=form, child=child)


def _note_or_404(note_id: int):
    note = services.dao_note(note_id)
    if note is None:
        deny(object_type="custody_welfare_note", object_id=note_id)
    return note, get_visible_child(note.young_person_id)


@bp.get("/notes/<int:note_id>")
@permission_required(Permission.VIEW_CHILDREN)
def show(note_id: int):
    note, child = _note_or_404(note_id)
    (row,) = services.dao_notes(child.id, note.id)
    html = render_template(
        "custody/show.html",
        child=child,
        row=row,
        can_amend=has_permission(current_user, Permission.WRITE_CUSTODY_RECORDS)
        and may_amend_note(current_user, note.establishment_id, holding=holds_child(child)),
    )
    remember_notes_read(child, [row], services.dao_notes_read(current_user, child.id))
    audit.record(
        "custody_note_viewed",
        young_person_id=child.id,
        object_type="custody_welfare_note",
        object_id=note.id,
        user=current_user,
    )
    return html


@bp.route("/notes/<int:note_id>/amend", methods=["GET", "POST"])
@permission_required(Permission.WRITE_CUSTODY_RECORDS)
def amend(note_id: int):
    note, child = _note_or_404(note_id)
    if not may_amend_note(current_user, note.establishment_id, holding=holds_child(child)):
        # Another agency's note, or a child no longer held: refused, and nothing changes.
        deny(young_person_id=child.id, object_type="custody_welfare_note", object_id=note.id)
    (row,) = services.dao_notes(child.id, note.id)
    form = AmendNoteForm()
    if first_shown():
        form.category.data = row.category.value
        form.text.data = row.text
    if form.validate_on_submit():
        try:
            services.amend_note(
                note,
                by=current_user,
                category=NoteCategory(form.category.data),
                text=form.text.data,
                reason=form.reason.data,
                now=utcnow(),
            )
        except services.CustodyError as error:
            show_error(form, error)
        else:
            flash("Note amended. The original is kept with your amendment", "success")
            return redirect(url_for("custody.show", note_id=note.id))
    return render_template("custody/amend.html", form=form, child=child, row=row)
