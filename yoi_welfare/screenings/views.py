"""Welfare screenings: the YOT writes them section by section; every agency of the child reads them.

Writing (start, sections, level, actions arising, check and submit) is for YOT officers of the
child's home area, and only while the screening is a draft. A draft is the YOT's work in progress:
only they see it. A submitted screening is read by everyone who can see the child; the first
time someone at an establishment opens it, the establishment has read it.
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from yoi_welfare import db
from yoi_welfare.access import (
    Permission,
    current_viewer,
    deny,
    get_visible_child,
    has_permission,
    permission_required,
    shown_child,
    user_agency,
)
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.forms import ManualActionForm
from yoi_welfare.dates import format_datetime, london_instant, london_today, utcnow
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.input_guard import whole_number
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.screenings import level_approval, queries, rules, services
from yoi_welfare.screenings.forms import (
    SECTION_FORMS,
    DiscardScreeningForm,
    LevelForm,
    StartScreeningForm,
    SubmitScreeningForm,
    section_form_data,
)
from yoi_welfare.screenings.models import MAX_TEXT, WelfareScreening
from yoi_welfare.screenings.questions import (
    FULL_LABELS,
    SECTIONS,
    SECTIONS_BY_SLUG,
    Kind,
    Section,
    answer_text,
    shown_questions,
)
from yoi_welfare.view_helpers import show_error

bp = Blueprint("screenings", __name__)


def can_write(child: YoungPerson) -> bool:
    """YOT officers of the child's home area write the child's screenings."""
    return (
        has_permission(current_user, Permission.WRITE_SCREENINGS)
        and user_agency().area_id == child.home_area_id
    )


def _screening_or_404(screening_id: int, *, writing: bool = False):
    """(screening, child) if the user may see it (and write it); otherwise audit and 404.

    A draft is seen only by those who may write it.
    """
    row = queries.dao_visible_screening(screening_id, current_viewer())
    if row is None:
        _if_discarded_back_to_child(screening_id)
        deny(object_type="welfare_screening", object_id=screening_id)
    screening, child = row
    if (writing or screening.is_draft) and not can_write(child):
        deny(young_person_id=child.id, object_type="welfare_screening", object_id=screening_id)
    shown_child(child)
    return screening, child


def _if_discarded_back_to_child(screening_id: int) -> None:
    """A draft discarded since its writer last read it: back to the child's page, saying who
    discarded it, when and why, rather than "Page not found". Only for those who could have
    written it; anyone else is refused as for any record they cannot see."""
    event = queries.dao_discarded(screening_id)
    if event is None or event.young_person_id is None:
        return
    child = get_visible_child(event.young_person_id)
    if not can_write(child):
        return
    who = (
        action_queries.dao_user_names({event.user_id}).get(event.user_id, "someone")
        if event.user_id
        else "someone"
    )
    flash(
        f"This draft screening was discarded {format_datetime(event.occurred_at)} by {who}. "
        f"{event.detail}",
        "important",
    )
    abort(redirect(url_for("people.child", child_id=child.id)))


def _version(form) -> int | None:
    return whole_number(form.version.data)


def _already_submitted(screening: WelfareScreening):
    flash(services.SUBMITTED, "important")
    return redirect(url_for("screenings.show", screening_id=screening.id))


def child_screenings_panel(record: ChildRecord) -> dict | None:
    """What the child's page shows of their screenings; None for a user who reads none."""
    if not has_permission(current_user, Permission.VIEW_SCREENINGS):
        return None
    writer = can_write(record.child)
    # Drafts are the YOT's work in progress: only those who may write screenings see them.
    listings = [row for row in record.screenings if writer or not row.screening.is_draft]
    draft = next((row.screening for row in listings if row.screening.is_draft), None)
    return {"listings": listings, "can_start": writer, "draft": draft}


# Starting


@bp.route("/children/<int:child_id>/screenings/new", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def start(child_id: int):
    child = get_visible_child(child_id)
    if not can_write(child):
        deny(young_person_id=child_id, object_type="young_person", object_id=child_id)
    draft = queries.dao_draft(child.id)
    if draft is not None:
        flash("A screening of this child is already in progress: continue it here")
        return redirect(url_for("screenings.show", screening_id=draft.id))
    last = queries.dao_latest_submitted(child.id)
    form = StartScreeningForm()
    if last is None:
        del form.copy_last
    if form.validate_on_submit():
        copy_from = last if last is not None and form.copy_last.data == "yes" else None
        try:
            screening = services.start_screening(
                child, by=current_user, now=utcnow(), copy_from=copy_from
            )
        except services.ScreeningError as error:
            show_error(form, error)
        else:
            return redirect(url_for("screenings.show", screening_id=screening.id))
    rules = action_queries.dao_rules_by_key([queries.SCREENING_DUE, queries.READ_DUE])
    return render_template(
        "screenings/start.html",
        form=form,
        child=child,
        last=last,
        sections=SECTIONS,
        deadlines={
            "due": rules.get(queries.SCREENING_DUE),
            "read": rules.get(queries.READ_DUE),
        },
    )


# Reading


@bp.get("/screenings/<int:screening_id>")
@permission_required(Permission.VIEW_SCREENINGS)
def show(screening_id: int):
    """A draft's task list for its writers; a submitted screening's answers for every reader."""
    screening, child = _screening_or_404(screening_id)
    services.record_view(screening, user=current_user, now=utcnow())
    if screening.is_draft:
        return render_template(
            "screenings/task_list.html",
            screening=screening,
            child=child,
            sections=_task_list(screening),
            level_done=rules.level_is_complete(screening),
            actions_arising=queries.dao_actions_arising(screening),
            copied_from=queries.dao_copied_from(screening),
            level_approval=queries.dao_level_approval(screening),
        )
    previous = queries.dao_previous_submitted(screening)
    names = action_queries.dao_user_names({screening.submitted_by_id})
    return render_template(
        "screenings/show.html",
        screening=screening,
        child=child,
        submitted_by=names.get(screening.submitted_by_id, ""),
        answers=_answers(screening, earlier=queries.dao_earlier_answers(screening)),
        previous=previous,
        changes=rules.changes_since(previous, screening) if previous else [],
        actions_arising=queries.dao_actions_arising(screening),
        reads=queries.dao_reads(screening.id),
    )


def _task_list(screening: WelfareScreening) -> list[dict]:
    items = []
    for section in SECTIONS:
        if section.is_complete(screening):
            status = {"text": "Completed"}
        elif section.is_started(screening):
            status = {"tag": {"text": "In progress", "classes": "govuk-tag--light-blue"}}
        else:
            status = {"tag": {"text": "Not yet started", "classes": "govuk-tag--blue"}}
        items.append(
            {
                "title": {"text": section.title},
                "href": url_for(
                    "screenings.section", screening_id=screening.id, section=section.slug
                ),
                "status": status,
            }
        )
    return items


def _lines(text: str) -> dict:
    return {"html": Markup("<br>").join(escape(line) for line in text.splitlines())}


def _answer_value(question, value) -> dict:
    text = answer_text(question, value)
    if question.kind is Kind.TEXT and value:
        return _lines(text)
    return {"text": text}


def _change(screening: WelfareScreening, section: Section, field: str, hidden: str) -> dict:
    """A summary row's "Change" link, to the field in its section's form."""
    href = url_for("screenings.section", screening_id=screening.id, section=section.slug)
    return {"items": [{"href": f"{href}#{field}", "text": "Change", "visuallyHiddenText": hidden}]}


def _beside_earlier(value: dict, earlier: list[rules.EarlierAnswer]) -> dict:
    """An answer "no" with the "yes" answers the service held before it, and where from."""
    said = Markup("").join(
        Markup(
            '<p class="govuk-body-s govuk-!-margin-bottom-1 app-earlier-answer">'
            "<strong>Earlier:</strong> {} ({}{})</p>"
        ).format(
            answer.said,
            answer.source,
            Markup(', <a class="govuk-link" href="{}">read it</a>').format(
                url_for("screenings.show", screening_id=answer.screening_id)
            )
            if answer.screening_id
            else "",
        )
        for answer in earlier
    )
    return {
        "html": Markup('<p class="govuk-body govuk-!-margin-bottom-1">{}</p>{}').format(
            value["text"], said
        )
    }


def _answers(
    screening: WelfareScreening,
    *,
    change_links: bool = False,
    earlier: rules.Earlier | None = None,
) -> list[dict]:
    """Each section's title and summary-list rows, revealed answers only after a yes; an
    answer that drops a "yes" the service held (``earlier``) shows it beside, with the
    officer's explanation."""
    sections = []
    earlier = earlier or {}
    for section in SECTIONS:
        rows = []
        dropped = rules.dropped(section, rules.section_answers(section, screening), earlier)
        for question in shown_questions(section, screening):
            value = _answer_value(question, getattr(screening, question.name))
            if question in dropped:
                value = _beside_earlier(value, earlier[question.name])
            row = {"key": {"text": question.summary_label}, "value": value}
            if change_links:
                row["actions"] = _change(
                    screening, section, question.name, FULL_LABELS[question.name]
                )
            rows.append(row)
        if dropped:
            explanation = getattr(screening, section.explanation)
            row = {
                "key": {"text": "Why the answers differ from what the service held"},
                "value": _lines(explanation) if explanation else {"text": "Not explained"},
            }
            if change_links:
                row["actions"] = _change(
                    screening, section, section.explanation, f"the explanation: {section.title}"
                )
            rows.append(row)
        sections.append({"section": section, "rows": rows})
    return sections


# Writing


@bp.route("/screenings/<int:screening_id>/sections/<section>", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def section(screening_id: int, section: str):
    spec = SECTIONS_BY_SLUG.get(section)
    if spec is None:
        abort(404)
    screening, child = _screening_or_404(screening_id, writing=True)
    if not screening.is_draft:
        return _already_submitted(screening)
    now = utcnow()
    form_class = SECTION_FORMS[spec.slug]
    context = {"date_of_birth": child.date_of_birth, "today": london_today(now)}
    if first_shown():
        form = form_class(data=section_form_data(spec, screening, child), **context)
    else:
        form = form_class(**context)
    if form.validate_on_submit():
        try:
            with db.unit_of_work():
                services.save_section(
                    screening,
                    spec,
                    form.answers(spec),
                    version=_version(form),
                    by=current_user,
                    now=now,
                )
        except services.SubmittedScreeningError:
            return _already_submitted(screening)
        except services.StaleScreeningError as error:
            form = form_class(
                formdata=None, data=section_form_data(spec, screening, child), **context
            )
            form.form_errors.append(error.message)
        except services.ScreeningError as error:
            show_error(form, error)
        else:
            return redirect(_next_step(screening, spec))
    earlier = queries.dao_earlier_answers(screening)
    return render_template(
        "screenings/section.html",
        form=form,
        screening=screening,
        child=child,
        section=spec,
        max_text=MAX_TEXT,
        earlier=[
            (question, earlier[question.name])
            for question in spec.dropped_questions
            if question.name in earlier
        ],
    )


def _next_step(screening: WelfareScreening, after: Section) -> str:
    """The next section still to do, else the level, else "check your answers"."""
    later = SECTIONS[SECTIONS.index(after) + 1 :]
    for section in later:
        if not section.is_complete(screening):
            return url_for("screenings.section", screening_id=screening.id, section=section.slug)
    if not rules.level_is_complete(screening):
        return url_for("screenings.level", screening_id=screening.id)
    return url_for("screenings.show", screening_id=screening.id)


@bp.route("/screenings/<int:screening_id>/level", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def level(screening_id: int):
    screening, child = _screening_or_404(screening_id, writing=True)
    if not screening.is_draft:
        return _already_submitted(screening)
    if first_shown():
        form = LevelForm(
            data={
                "practitioner_level": screening.practitioner_level,
                "level_reason": screening.level_reason,
                "version": screening.version_id,
            },
            indicated=screening.indicated_level,
        )
    else:
        form = LevelForm(indicated=screening.indicated_level)
    if form.validate_on_submit():
        try:
            with db.unit_of_work():
                services.set_level(
                    screening,
                    level=Level(form.practitioner_level.data),
                    reason=form.level_reason.data,
                    version=_version(form),
                    by=current_user,
                    now=utcnow(),
                )
        except services.SubmittedScreeningError:
            return _already_submitted(screening)
        except services.StaleScreeningError as error:
            form = LevelForm(
                formdata=None,
                data={
                    "practitioner_level": screening.practitioner_level,
                    "level_reason": screening.level_reason,
                    "version": screening.version_id,
                },
                indicated=screening.indicated_level,
            )
            form.form_errors.append(error.message)
        except services.ScreeningError as error:
            show_error(form, error)
        else:
            return redirect(url_for("screenings.show", screening_id=screening.id))
    return render_template(
        "screenings/level.html",
        form=form,
        screening=screening,
        child=child,
        complete=all(section.is_complete(screening) for section in SECTIONS),
        max_text=MAX_TEXT,
    )


@bp.route("/screenings/<int:screening_id>/actions", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def actions_arising(screening_id: int):
    screening, child = _screening_or_404(screening_id, writing=True)
    if not screening.is_draft:
        return _already_submitted(screening)
    form = ManualActionForm()
    owners = action_queries.allowed_owners(child)
    form.owner.choices = [(agency.id, agency.name) for agency in owners]
    if first_shown():
        form.owner.data = current_user.agency_id
    if form.validate_on_submit():
        try:
            with db.unit_of_work():
                action = services.add_action_arising(
                    screening,
                    child,
                    title=form.title.data,
                    owner_agency_id=form.owner.data,
                    due=london_instant(form.due_date.data, form.due_time.time_value),
                    by=current_user,
                    now=utcnow(),
                )
        except actions.ActionError as error:
            show_error(form, error)
        except services.SubmittedScreeningError:
            return _already_submitted(screening)
        else:
            flash(f"Action added: {action.title}", "success")
            return redirect(url_for("screenings.actions_arising", screening_id=screening.id))
    return render_template(
        "screenings/actions.html",
        form=form,
        screening=screening,
        child=child,
        actions_arising=queries.dao_actions_arising(screening),
    )


@bp.route("/screenings/<int:screening_id>/check", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def check(screening_id: int):
    """Check your answers, then submit."""
    screening, child = _screening_or_404(screening_id, writing=True)
    if not screening.is_draft:
        return _already_submitted(screening)
    form = SubmitScreeningForm()
    if first_shown():
        form.version.data = screening.version_id

    def submitted(done: level_approval.Submitted):
        if done.approval is not None:
            flash(
                f"Welfare screening for {child.full_name} sent to a YOT manager to approve its "
                "level. The establishment holding the child has been told it is on its way",
                "success",
            )
        else:
            flash(f"Welfare screening for {child.full_name} submitted", "success")
        return redirect(url_for("screenings.show", screening_id=screening.id))

    answered = _confirmed(
        screening,
        form,
        lambda version: level_approval.submit(
            screening, child, version=version, by=current_user, now=utcnow()
        ),
        submitted,
    )
    earlier = queries.dao_earlier_answers(screening)
    return answered or render_template(
        "screenings/check.html",
        form=form,
        screening=screening,
        child=child,
        answers=_answers(screening, change_links=True, earlier=earlier),
        problems=rules.submission_problems(screening, earlier),
        needs_approval=rules.level_needs_approval(screening),
        actions_arising=queries.dao_actions_arising(screening),
    )


@bp.route("/screenings/<int:screening_id>/discard", methods=["GET", "POST"])
@permission_required(Permission.WRITE_SCREENINGS)
def discard(screening_id: int):
    """Discard a draft started by mistake, after saying why."""
    screening, child = _screening_or_404(screening_id, writing=True)
    if not screening.is_draft:
        return _already_submitted(screening)
    form = DiscardScreeningForm()
    if first_shown():
        form.version.data = screening.version_id
    arising = queries.dao_actions_arising(screening)

    def discarded(cancelled):
        done = f"Draft welfare screening for {child.full_name} discarded"
        if cancelled:
            done += f". {len(cancelled)} action{'s' if len(cancelled) > 1 else ''} arising "
            done += "from it cancelled"
        flash(done, "success")
        return redirect(url_for("people.child", child_id=child.id))

    answered = _confirmed(
        screening,
        form,
        lambda version: services.discard_draft(
            screening,
            child,
            version=version,
            reason=form.reason.data,
            by=current_user,
            now=utcnow(),
        ),
        discarded,
    )
    return answered or render_template(
        "screenings/discard.html",
        form=form,
        screening=screening,
        child=child,
        open_arising=[row for row in arising if row[0].is_open],
    )


def _confirmed(screening: WelfareScreening, form, act: Callable, done: Callable):
    """Carry out a posted confirmation on the draft: ``act(version)``, answered by ``done``.

    None when nothing valid was posted, or the service refused: the form then says why, and
    carries the draft's version as it is now for another go.
    """
    if not form.validate_on_submit():
        return None
    screening_id = screening.id
    try:
        with db.unit_of_work():
            result = act(_version(form))
    except services.SubmittedScreeningError:
        return _already_submitted(screening)
    except services.ScreeningError as error:
        show_error(form, error)
        if db.session().get(WelfareScreening, screening_id) is None:
            # Discarded by someone else meanwhile.
            _if_discarded_back_to_child(screening_id)
            abort(404)
        form.version.data = screening.version_id
        return None
    return done(result)
