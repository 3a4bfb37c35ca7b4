"""Welfare screenings as people read them: a child's screenings, drafts, who has read what,
and what an establishment has still to read. Reads only; the changes are in ``services``."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.accounts.models import User
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_date, uk_date, utcnow
from yoi_welfare.domain.wellbeing import is_recent
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.screenings.models import (
    ScreeningRead,
    ScreeningStatus,
    WelfareScreening,
)
from yoi_welfare.screenings.questions import SECTIONS, Question, answer_text
from yoi_welfare.screenings.rules import EarlierAnswer
from yoi_welfare.self_harm.models import SelfHarmFlag

# The action an admission makes due, which a submitted screening completes.
SCREENING_DUE = "welfare_screening_due"
# The establishment's action to read a screening that has reached it.
READ_DUE = "welfare_screening_read"
SOURCE_TYPE = WelfareScreening.__tablename__
# The audit event of a draft discarded.
DISCARDED = "welfare_screening_discarded"


def dao_visible_screening(
    screening_id: int, viewer: Viewer
) -> tuple[WelfareScreening, YoungPerson] | None:
    """(screening, child) if the screening's child is among those the viewer may see."""
    return (
        db.session()
        .exec(
            select(WelfareScreening, YoungPerson)
            .join(YoungPerson, YoungPerson.id == WelfareScreening.young_person_id)
            .where(WelfareScreening.id == screening_id, viewer.visible),
            params=viewer.params,
        )
        .first()
    )


@dataclass(frozen=True)
class ScreeningListing:
    screening: WelfareScreening
    author: str
    author_agency: str


@db.prepared
def _child_screenings(include_drafts: bool) -> sa.Select:
    author = aliased(User)
    conditions = [WelfareScreening.young_person_id == sa.bindparam("child_id")]
    if not include_drafts:
        conditions.append(WelfareScreening.status == ScreeningStatus.SUBMITTED)
    return (
        select(WelfareScreening, author.name, Agency.name)
        .join(
            author,
            author.id
            == func.coalesce(WelfareScreening.submitted_by_id, WelfareScreening.created_by_id),
        )
        .join(Agency, Agency.id == author.agency_id)
        .where(*conditions)
        .order_by(
            WelfareScreening.submitted_at.is_(None).desc(),
            WelfareScreening.submitted_at.desc(),
            WelfareScreening.id.desc(),
        )
    )


def dao_child_screenings(child_id: int, *, include_drafts: bool) -> list[ScreeningListing]:
    """The child's screenings, newest first: drafts (if asked for) then by submission."""
    rows = db.session().exec(_child_screenings(include_drafts), params={"child_id": child_id})
    return [ScreeningListing(s, name, agency) for s, name, agency in rows.all()]


def dao_draft(child_id: int) -> WelfareScreening | None:
    return (
        db.session()
        .exec(
            select(WelfareScreening).where(
                WelfareScreening.young_person_id == child_id,
                WelfareScreening.status == ScreeningStatus.DRAFT,
            )
        )
        .first()
    )


def dao_discarded(screening_id: int):
    """The audit event of a draft's discarding (who, when, why), if it was discarded."""
    return audit.dao_last_event(DISCARDED, SOURCE_TYPE, screening_id)


def dao_copied_from(screening: WelfareScreening) -> WelfareScreening | None:
    """The screening whose answers this one started from, if any."""
    if screening.copied_from_id is None:
        return None
    return db.session().get(WelfareScreening, screening.copied_from_id)


def _submitted_newest_first(child_id: int):
    return (
        select(WelfareScreening)
        .where(
            WelfareScreening.young_person_id == child_id,
            WelfareScreening.status == ScreeningStatus.SUBMITTED,
        )
        .order_by(WelfareScreening.submitted_at.desc(), WelfareScreening.id.desc())
    )


def dao_latest_submitted(child_id: int) -> WelfareScreening | None:
    return db.session().exec(_submitted_newest_first(child_id)).first()


def dao_previous_submitted(screening: WelfareScreening) -> WelfareScreening | None:
    """The child's submitted screening before this one (by submission), if any."""
    return db.session().exec(_submitted_before(screening)).first()


def _submitted_before(screening: WelfareScreening):
    """The child's submitted screenings before this one, newest first: for a draft, all."""
    statement = _submitted_newest_first(screening.young_person_id)
    if screening.submitted_at is None:
        return statement
    return statement.where(
        sa.or_(
            WelfareScreening.submitted_at < screening.submitted_at,
            sa.and_(
                WelfareScreening.submitted_at == screening.submitted_at,
                WelfareScreening.id < screening.id,
            ),
        )
    )


def dao_earlier_answers(screening: WelfareScreening) -> dict[str, list[EarlierAnswer]]:
    """The "yes" answers the service held before this screening, by question: the latest
    earlier screening that answered yes, and for self-harm the child's latest self-harm flag.

    "In the last 3 months" is asked afresh: an earlier screening's recent self-harm, or a flag,
    counts only if it is still recent on the day of this screening (or the flag is open).
    """
    session = db.session()
    until = screening.submitted_at or utcnow()
    today = uk_date(until)
    earlier_screenings = list(session.exec(_submitted_before(screening)).all())
    found: dict[str, list[EarlierAnswer]] = {}
    for section in SECTIONS:
        for question in section.dropped_questions:
            for earlier in earlier_screenings:
                if getattr(earlier, question.name) is True and (
                    question.name != "self_harm_recent" or _still_recent(earlier, today)
                ):
                    found[question.name] = [_said_yes(question, earlier)]
                    break
    flag = session.exec(
        select(SelfHarmFlag)
        .where(
            SelfHarmFlag.young_person_id == screening.young_person_id,
            SelfHarmFlag.opened_at <= until,
        )
        .order_by(SelfHarmFlag.opened_at.desc(), SelfHarmFlag.id.desc())
        .limit(1)
    ).first()
    if flag is not None:
        opened_on = uk_date(flag.opened_at)
        said = EarlierAnswer(
            f"A self-harm flag, {flag.state.label.lower()}",
            f"recorded in this service, opened {format_date(opened_on)}",
        )
        found.setdefault("self_harm_ever", []).append(said)
        if flag.is_open or is_recent(opened_on, today):
            found.setdefault("self_harm_recent", []).append(said)
    return found


def _still_recent(earlier: WelfareScreening, today) -> bool:
    last = earlier.last_self_harm_on
    return is_recent(uk_date(earlier.submitted_at), today) or (
        last is not None and is_recent(last, today)
    )


def _said_yes(question: Question, earlier: WelfareScreening) -> EarlierAnswer:
    said = "Yes"
    for revealed in question.revealed:
        value = getattr(earlier, revealed.name)
        if value is not None:
            said += f". {revealed.summary_label}: {answer_text(revealed, value)}"
    return EarlierAnswer(
        said,
        f"the screening submitted {format_date(uk_date(earlier.submitted_at))}",
        earlier.id,
    )


def dao_actions_arising(screening: WelfareScreening) -> list[tuple[WelfareAction, Agency]]:
    """What the screening found must be done; not the establishment's deadline to read it."""
    return list(
        db.session()
        .exec(
            select(WelfareAction, Agency)
            .join(Agency, Agency.id == WelfareAction.owner_agency_id)
            .where(
                WelfareAction.young_person_id == screening.young_person_id,
                WelfareAction.source_type == SOURCE_TYPE,
                WelfareAction.source_id == screening.id,
                WelfareAction.kind != READ_DUE,
            )
            .order_by(WelfareAction.due_at, WelfareAction.id)
        )
        .all()
    )


def dao_reads(screening_id: int) -> list[tuple[ScreeningRead, Agency, User]]:
    return list(
        db.session()
        .exec(
            select(ScreeningRead, Agency, User)
            .join(Agency, Agency.id == ScreeningRead.agency_id)
            .join(User, User.id == ScreeningRead.read_by_id)
            .where(ScreeningRead.screening_id == screening_id)
            .order_by(ScreeningRead.read_at)
        )
        .all()
    )


@db.prepared
def _child_reads() -> sa.Select:
    return (
        select(ScreeningRead, Agency.name, User.name)
        .join(WelfareScreening, WelfareScreening.id == ScreeningRead.screening_id)
        .join(Agency, Agency.id == ScreeningRead.agency_id)
        .join(User, User.id == ScreeningRead.read_by_id)
        .where(WelfareScreening.young_person_id == sa.bindparam("child_id"))
    )


def dao_child_reads(child_id: int) -> list[tuple[ScreeningRead, str, str]]:
    """Every reading of the child's screenings, with the establishment's and reader's names."""
    return list(db.session().exec(_child_reads(), params={"child_id": child_id}).all())


def latest_submitted_id(child_id: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """The id of the child's latest submitted screening, as a correlated subquery: one index
    lookup per child (young_person_id, submitted_at), for lists of any length."""
    latest = sa.orm.aliased(WelfareScreening)
    return (
        select(latest.id)
        .where(latest.young_person_id == child_id, latest.status == ScreeningStatus.SUBMITTED)
        .order_by(latest.submitted_at.desc(), latest.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def dao_unread_at(establishment_id: int) -> list[tuple[WelfareScreening, YoungPerson]]:
    """Screenings new to an establishment: each held child's latest, until someone there reads it.

    Only the latest counts, so a child transferred in brings their current screening with them.
    """
    read_here = (
        select(ScreeningRead.id)
        .where(
            ScreeningRead.screening_id == WelfareScreening.id,
            ScreeningRead.agency_id == establishment_id,
        )
        .exists()
    )
    return list(
        db.session()
        .exec(
            select(WelfareScreening, YoungPerson)
            .join(YoungPerson, YoungPerson.id == WelfareScreening.young_person_id)
            .join(
                Placement,
                sa.and_(
                    Placement.young_person_id == YoungPerson.id,
                    Placement.left_at.is_(None),
                    Placement.establishment_id == establishment_id,
                ),
            )
            .where(WelfareScreening.id == latest_submitted_id(YoungPerson.id), ~read_here)
            .order_by(WelfareScreening.submitted_at.desc())
        )
        .all()
    )


def dao_level_approval(screening: WelfareScreening) -> Approval | None:
    """The latest request for a manager's approval of the screening's level, if any (at most
    one is pending at a time)."""
    asked = approvals.dao_for_subjects(SOURCE_TYPE, [screening.id])
    return asked[-1] if asked else None
