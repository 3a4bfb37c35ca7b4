"""Welfare screenings: start, save each section, set the level, add actions arising, submit, read.

A screening is a DRAFT until it is submitted, and then never changes: a change is a new
screening. A draft started by mistake can be discarded. Every change to a draft is refused when
the screening is no longer a draft, or when the form was read at an older version (another
officer saved in between). Nothing here commits: the request cycle does.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts import services as alerts
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_datetime, london_today, uk_date
from yoi_welfare.domain.wellbeing import History, Level, WellbeingAnswers, indicated_level
from yoi_welfare.errors import ServiceError
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.screenings import rules
from yoi_welfare.screenings.models import (
    MAX_TEXT,
    DiscardReason,
    ScreeningRead,
    ScreeningStatus,
    WelfareScreening,
)
from yoi_welfare.screenings.queries import (
    DISCARDED,
    READ_DUE,
    SCREENING_DUE,
    SOURCE_TYPE,
    dao_actions_arising,
    dao_draft,
    dao_earlier_answers,
    dao_latest_submitted,
    dao_level_approval,
)
from yoi_welfare.screenings.questions import (
    SECTIONS,
    Section,
)
from yoi_welfare.screenings.rules import level_needs_approval
from yoi_welfare.self_harm.models import FlagState, SelfHarmFlag

# How long before an admission a screening still counts for it.
RECENT_SCREENING = timedelta(days=28)
STALE = (
    "This screening changed while you were editing. The form now shows the saved answers: "
    "make your change again"
)
SUBMITTED = (
    "This screening has been submitted, so it cannot be changed. To record a change, start a "
    "new screening"
)


class ScreeningError(ServiceError):
    """A request about a welfare screening that cannot be carried out."""


class StaleScreeningError(ScreeningError):
    """The screening changed between reading it into a form and saving the form."""

    def __init__(self):
        super().__init__(STALE)


class SubmittedScreeningError(ScreeningError):
    def __init__(self):
        super().__init__(SUBMITTED)


# Changes


def _check_draft(screening: WelfareScreening, version: int | None) -> None:
    if not screening.is_draft:
        raise SubmittedScreeningError()
    screening.check_version(version, StaleScreeningError)
    if awaiting_approval(screening):
        raise ScreeningError(AWAITING)


AWAITING = (
    "This screening is waiting for a YOT manager to approve its level. It cannot be changed "
    "until the manager approves or returns it"
)


def awaiting_approval(screening: WelfareScreening) -> bool:
    """Whether a manager has been asked to approve the screening's level and not yet decided."""
    asked = dao_level_approval(screening)
    return asked is not None and asked.is_pending


def dao_self_harm_history(screening: WelfareScreening) -> History:
    """What the service holds about the child's self-harm besides this screening: their latest
    self-harm flag, and what their other submitted screenings recorded."""
    session = db.session()
    flag = session.exec(
        select(SelfHarmFlag.opened_at, SelfHarmFlag.state)
        .where(SelfHarmFlag.young_person_id == screening.young_person_id)
        .order_by(SelfHarmFlag.opened_at.desc())
        .limit(1)
    ).first()
    screened, last_on = session.exec(
        select(
            func.max(sa.case((WelfareScreening.self_harm_ever, 1), else_=0)),
            func.max(WelfareScreening.last_self_harm_on),
        ).where(
            WelfareScreening.young_person_id == screening.young_person_id,
            WelfareScreening.status == ScreeningStatus.SUBMITTED,
            WelfareScreening.id != (screening.id or 0),
        )
    ).one()
    return History(
        flag_opened_on=uk_date(flag[0]) if flag else None,
        flag_open=bool(flag and flag[1] is FlagState.OPEN),
        screened_self_harm=bool(screened),
        screened_last_self_harm_on=last_on,
    )


def _refresh_indication(screening: WelfareScreening, today: date) -> None:
    # Read without writing the draft's changes first: they are saved, and checked against a
    # newer version, in one place (_save).
    with db.session().no_autoflush:
        history = dao_self_harm_history(screening)
    indication = indicated_level(WellbeingAnswers.from_values(screening), today, history)
    screening.indicated_level = indication.level
    screening.indicated_reasons = "\n".join(reason.text for reason in indication.reasons) or None


def start_screening(
    child: YoungPerson, *, by: User, now: datetime, copy_from: WelfareScreening | None = None
) -> WelfareScreening:
    """A new draft for the child, empty or with the answers of ``copy_from`` (a submitted one).

    The level is never copied: the officer decides it again. Nor is what the establishment
    must know tonight, which is about this custody episode's first night.
    """
    if dao_draft(child.id) is not None:
        raise ScreeningError("A screening of this child is already in progress")
    screening = WelfareScreening(
        young_person_id=child.id,
        created_by_id=by.id,
        created_at=now,
        updated_by_id=by.id,
        updated_at=now,
    )
    if copy_from is not None:
        if copy_from.young_person_id != child.id or copy_from.is_draft:
            raise ValueError("copy only a submitted screening of the same child")
        screening.copied_from_id = copy_from.id
        for section in SECTIONS:
            if section.copied:
                for name in section.columns():
                    setattr(screening, name, getattr(copy_from, name))
    _refresh_indication(screening, london_today(now))
    session = db.session()
    session.add(screening)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        # Another officer started one at the same moment (one draft per child).
        raise ScreeningError("A screening of this child is already in progress") from error
    audit.record(
        "welfare_screening_started",
        young_person_id=child.id,
        object_type=SOURCE_TYPE,
        object_id=screening.id,
        user=by,
    )
    return screening


def save_section(
    screening: WelfareScreening,
    section: Section,
    answers: dict,
    *,
    version: int | None,
    by: User,
    now: datetime,
) -> None:
    """Save one section's answers (validated by its form) to a draft, and recompute the level.

    An answer "no" where the service already holds a "yes" (an earlier screening, a self-harm
    flag) needs the section's explanation (``answers[section.explanation]``); with none, the
    section is refused. An explanation with nothing to explain is not kept.
    """
    _check_draft(screening, version)
    answers = dict(answers)
    explanation = (answers.pop(section.explanation, None) or "").strip() or None
    unknown = set(answers) - set(section.columns())
    if unknown:
        raise ValueError(f"not questions of {section.slug}: {sorted(unknown)}")
    for name, value in answers.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise ScreeningError(f"Answers must be {MAX_TEXT} characters or fewer", name)
    if section.explanation is not None:
        with db.session().no_autoflush:
            earlier = dao_earlier_answers(screening)
        dropped = rules.dropped(section, answers, earlier)
        if dropped and explanation is None:
            raise ScreeningError(rules.explanation_missing(dropped), section.explanation)
        if explanation is not None and len(explanation) > MAX_TEXT:
            raise ScreeningError(
                f"The explanation must be {MAX_TEXT} characters or fewer", section.explanation
            )
        setattr(screening, section.explanation, explanation if dropped else None)
    for name, value in answers.items():
        setattr(screening, name, value)
    _changed(screening, by, now, section.slug)


def set_level(
    screening: WelfareScreening,
    *,
    level: Level,
    reason: str | None,
    version: int | None,
    by: User,
    now: datetime,
) -> None:
    """Record the practitioner level; one different from the indicated level needs a reason."""
    _check_draft(screening, version)
    _refresh_indication(screening, london_today(now))
    reason = (reason or "").strip() or None
    if level is not screening.indicated_level and reason is None:
        raise ScreeningError(
            "Enter why your level is different from the indicated level", "level_reason"
        )
    if reason is not None and len(reason) > MAX_TEXT:
        raise ScreeningError(f"Reason must be {MAX_TEXT} characters or fewer", "level_reason")
    screening.practitioner_level = level
    screening.level_reason = reason
    _changed(screening, by, now, "level")


def _changed(screening: WelfareScreening, by: User, now: datetime, part: str) -> None:
    _refresh_indication(screening, london_today(now))
    screening.updated_at = now
    screening.updated_by_id = by.id
    db.save(screening, StaleScreeningError)
    audit.record(
        "welfare_screening_changed",
        young_person_id=screening.young_person_id,
        object_type=SOURCE_TYPE,
        object_id=screening.id,
        user=by,
        detail=part,
    )


def add_action_arising(
    screening: WelfareScreening,
    child: YoungPerson,
    *,
    title: str,
    owner_agency_id: int | None,
    due: datetime,
    by: User,
    now: datetime,
) -> WelfareAction:
    """An action arising from a draft screening: a welfare action from now, like any other.

    It is owned by the child's YOT or the establishment holding the child, and its source is the
    screening, so the screening page lists it.
    """
    if not screening.is_draft:
        raise SubmittedScreeningError()
    return actions.add_manual_action(
        child,
        title=title,
        owner_agency_id=owner_agency_id,
        due=due,
        by=by,
        now=now,
        source=screening,
    )


def check_can_submit(screening: WelfareScreening, version: int | None, now: datetime) -> None:
    """Refuse a draft that is not ready, or was changed since the form was read."""
    _check_draft(screening, version)
    _refresh_indication(screening, london_today(now))
    with db.session().no_autoflush:
        problems = rules.submission_problems(screening, dao_earlier_answers(screening))
    if problems:
        raise ScreeningError(problems[0].message)


def submit(
    screening: WelfareScreening,
    child: YoungPerson,
    *,
    version: int | None,
    by: User,
    now: datetime,
) -> list[WelfareAction]:
    """Submit a complete draft; it never changes again. Completes the "screening due" action.

    Returns the actions it completed. From now the establishment holding the child lists the
    screening as new to read, and reading it is that establishment's action. A practitioner
    level far below the indicated level is refused: a manager approves it first
    (``level_approval``), which then submits the screening for the officer.
    """
    check_can_submit(screening, version, now)
    if level_needs_approval(screening):
        raise ScreeningError(
            "A level two or more below the indicated level needs a YOT manager's approval"
        )
    return submit_checked(screening, child, by=by, now=now)


def submit_checked(
    screening: WelfareScreening, child: YoungPerson, *, by: User, now: datetime
) -> list[WelfareAction]:
    """Submit a draft that ``check_can_submit`` has just passed, and whose level needs no
    approval or has it."""
    screening.status = ScreeningStatus.SUBMITTED
    screening.submitted_at = now
    screening.submitted_by_id = by.id
    screening.updated_at = now
    screening.updated_by_id = by.id
    db.save(screening, StaleScreeningError)
    alerts.sync_screening(screening, now)
    audit.record(
        "welfare_screening_submitted",
        young_person_id=child.id,
        object_type=SOURCE_TYPE,
        object_id=screening.id,
        user=by,
    )
    met = actions.complete_open_actions(
        child, SCREENING_DUE, by=by, at=now, note="Welfare screening submitted"
    )
    holding = action_queries.dao_holding_establishment(child)
    if holding is not None:
        _reaches(child, screening, holding.id, at=now, by=by, now=now)
    return met


def discard_draft(
    screening: WelfareScreening,
    child: YoungPerson,
    *,
    version: int | None,
    reason: DiscardReason | str | None,
    by: User,
    now: datetime,
) -> list[WelfareAction]:
    """Delete a draft started by mistake; a submitted screening is never deleted.

    A draft was never shared beyond the child's YOT, so its answers go with it; the audit trail
    keeps who discarded it, when and why (one of the fixed reasons). The actions that arose from
    it are welfare actions in their own right: the open ones are cancelled, saying why, and every
    one is detached from the draft. Returns the actions cancelled.
    """
    _check_draft(screening, version)
    try:
        reason = DiscardReason(reason)
    except ValueError:
        raise ScreeningError("Select why you are discarding the draft", "reason") from None
    session = db.session()
    cancelled = []
    for action, _owner in dao_actions_arising(screening):
        if action.is_open:
            try:
                actions.cancel_arising_from_discarded(action, by=by, at=now)
            except actions.ActionError as error:  # closed by its owner meanwhile
                raise StaleScreeningError() from error
            cancelled.append(action)
        action.source_type = action.source_id = None
        session.add(action)
    audit.record(
        DISCARDED,
        young_person_id=child.id,
        object_type=SOURCE_TYPE,
        object_id=screening.id,
        user=by,
        detail=reason.label,
    )
    session.delete(screening)
    try:
        session.flush()
    except StaleDataError as error:
        raise StaleScreeningError() from error
    return cancelled


def _read_at(screening_id: int, agency_id: int) -> bool:
    return (
        db.session()
        .exec(
            select(ScreeningRead.id).where(
                ScreeningRead.screening_id == screening_id, ScreeningRead.agency_id == agency_id
            )
        )
        .first()
        is not None
    )


def _reaches(
    child: YoungPerson,
    screening: WelfareScreening,
    establishment_id: int,
    *,
    at: datetime,
    by: User | None,
    now: datetime,
) -> list[WelfareAction]:
    """The screening has reached the establishment holding the child: unless someone there has
    read it already, reading it becomes the establishment's action, due before the first night."""
    if _read_at(screening.id, establishment_id):
        return []
    made = actions.on_event(
        "welfare_screening_received", child=child, at=at, by=by, source=screening
    )
    _tell_tonight(child, screening, establishment_id, by=by, now=now)
    return made


def _tell_tonight(
    child: YoungPerson,
    screening: WelfareScreening,
    establishment_id: int,
    *,
    by: User | None,
    now: datetime,
) -> None:
    """A screening that says what the establishment must know tonight, or a very high level,
    is emailed to its managers at once: the child's initials and reference and a link only."""
    if not (screening.must_know_tonight or screening.practitioner_level is Level.VERY_HIGH):
        return
    establishment = db.session().get(Agency, establishment_id)
    why = (
        "says what you must know tonight"
        if screening.must_know_tonight
        else "sets a very high safety and wellbeing level"
    )
    notice = Notice(
        "A YOT welfare screening to read tonight",
        f"The youth offending team's welfare screening of a child held at {establishment.name} "
        f"{why}.",
        (f"Submitted: {format_datetime(screening.submitted_at)}",),
        "Read it as soon as you can.",
        f"/screenings/{screening.id}",
    )
    notify(
        dao_manager_emails(Agency.id == establishment_id),
        child,
        notice,
        urgent=True,  # to read tonight, whatever the managers chose
        about=(SOURCE_TYPE, screening.id),
        purpose="A welfare screening to read tonight",
        at=now,
        by=by,
    )


def meet_reading_on_transfer(
    child: YoungPerson, destination_id: int, *, at: datetime, by: User | None, now: datetime
) -> None:
    """After a transfer, the receiving establishment must read the screening of this stay too.

    A reading deadline still open moved with the child (``actions.on_event``); it is met at once
    if the receiving establishment read the screening on an earlier stay. If the first
    establishment had read it already, nothing moved: the screening reaches the receiving one
    afresh, with its own deadline (and its managers' notice, if it is for tonight). A screening
    that reached no establishment in this stay, an old one, stays as it was.
    """
    latest = dao_latest_submitted(child.id)
    if latest is None:
        return
    if _read_at(latest.id, destination_id):
        actions.complete_open_actions(
            child,
            READ_DUE,
            by=None,
            at=at,
            note="Read here on an earlier stay",
            owner_agency_id=destination_id,
        )
        return
    reading = (
        db.session()
        .exec(
            select(WelfareAction.owner_agency_id, WelfareAction.completed_at).where(
                WelfareAction.young_person_id == child.id,
                WelfareAction.kind == READ_DUE,
                WelfareAction.source_type == SOURCE_TYPE,
                WelfareAction.source_id == latest.id,
                WelfareAction.cancelled_at.is_(None),
            )
        )
        .all()
    )
    if not reading:
        return
    if any(owner == destination_id and done is None for owner, done in reading):
        _tell_tonight(child, latest, destination_id, by=by, now=now)
        return
    _reaches(child, latest, destination_id, at=at, by=by, now=now)


def meet_admission_if_screened(
    child: YoungPerson, placement: Placement, *, by: User | None, now: datetime
):
    """Complete the "welfare screening due" action an admission made when the YOT has already
    screened the child for this custody episode, as it should, before the first night: a
    screening submitted since the child last left custody, and at most ``RECENT_SCREENING``
    before the admission. An older one describes a child who may have changed since: the YOT
    screens them again."""
    last_left = (
        db.session()
        .exec(
            select(func.max(Placement.left_at)).where(
                Placement.young_person_id == child.id, Placement.id != placement.id
            )
        )
        .one()
    )
    latest = dao_latest_submitted(child.id)
    if latest is None or latest.submitted_at < placement.admitted_at - RECENT_SCREENING:
        return []
    if last_left is not None and latest.submitted_at <= last_left:
        return []
    met = actions.complete_open_actions(
        child,
        SCREENING_DUE,
        by=by,
        at=placement.admitted_at,
        note="Welfare screening submitted before admission",
    )
    _reaches(child, latest, placement.establishment_id, at=placement.admitted_at, by=by, now=now)
    return met


def record_view(screening: WelfareScreening, *, user: User, now: datetime) -> bool:
    """Audit a view of a screening; the first by an establishment's staff records that it read it.

    Returns whether this view was the establishment's first read.
    """
    audit.record(
        "welfare_screening_viewed",
        young_person_id=screening.young_person_id,
        object_type=SOURCE_TYPE,
        object_id=screening.id,
        user=user,
    )
    if screening.is_draft or user.role is not Role.ESTABLISHMENT_STAFF:
        return False
    session = db.session()
    already = session.exec(
        select(ScreeningRead.id).where(
            ScreeningRead.screening_id == screening.id,
            ScreeningRead.agency_id == user.agency_id,
        )
    ).first()
    if already is not None:
        return False
    read = ScreeningRead(
        screening_id=screening.id, agency_id=user.agency_id, read_by_id=user.id, read_at=now
    )
    session.add(read)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # A colleague opened it at the same moment: theirs is the first read.
        return False
    audit.record(
        "welfare_screening_read",
        young_person_id=screening.young_person_id,
        object_type="screening_read",
        object_id=read.id,
        user=user,
    )
    latest = dao_latest_submitted(screening.young_person_id)
    if latest is not None and latest.id == screening.id:
        child = session.get(YoungPerson, screening.young_person_id)
        actions.complete_open_actions(
            child, READ_DUE, by=user, at=now, owner_agency_id=user.agency_id
        )
    return True
