"""Raising and ending alerts: by the records behind them, and by hand.

Each kind of record keeps its own alerts in step (``sync_flag``, ``sync_screening``,
``sync_child_details``), called by the service that changed the record, in its transaction: an
alert the record now asks for is raised, one whose wording changed (a flag's risk or observation
level) is reworded, and one the record no longer asks for is ended, by whoever ended the record.
An alert ended by hand is not raised again by the same record. Nothing here commits.
"""

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import may_write_about
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import Agency
from yoi_welfare.alerts import sources
from yoi_welfare.alerts.models import Alert, AlertCode
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_date
from yoi_welfare.errors import ServiceError, required_text
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.self_harm.models import SelfHarmFlag

MAX_DESCRIPTION = 1000
MAX_REASON = 500
STALE = (
    "This alert changed while you were looking at it: someone else has ended or changed it. "
    "Check the alert as it is now"
)
# An alert a record raised whose record is still open ends with the record, never by hand.
RECORD_STILL_OPEN = {
    sources.FLAG: "This alert ends when the self-harm flag is closed at a case review",
    sources.CHILD: "This alert ends when the child's details no longer record it. Change the "
    "child's details if they are wrong",
}


class AlertError(ServiceError):
    """A request about an alert that cannot be carried out."""


class StaleAlertError(AlertError):
    def __init__(self):
        super().__init__(STALE)


# (when it ended, who ended it, why) for an alert its record no longer asks for
Ending = Callable[[Alert], tuple[datetime, int | None, str]]


def _reconcile(
    child_id: int, source_type: str, wanted: list[sources.Wanted], ending: Ending, now: datetime
) -> None:
    session = db.session()
    source_ids = {w.source_id for w in wanted}
    existing = session.exec(
        select(Alert).where(
            Alert.young_person_id == child_id,
            Alert.source_type == source_type,
            sa.or_(Alert.active_to.is_(None), Alert.source_id.in_(source_ids)),
        )
    ).all()
    by_key = {(a.source_id, a.code): a for a in existing if a.is_active}
    ended_before = {(a.source_id, a.code) for a in existing if not a.is_active}
    for want in wanted:
        key = (want.source_id, want.code)
        alert = by_key.pop(key, None)
        if alert is not None:
            if alert.description != want.description:
                alert.description = want.description
                alert.updated_at = now
                session.add(alert)
        elif key not in ended_before or source_type in RECORD_STILL_OPEN:
            session.add(
                Alert(
                    young_person_id=child_id,
                    code=want.code,
                    description=want.description,
                    active_from=want.raised_at,
                    raised_by_id=want.raised_by_id,
                    source_type=source_type,
                    source_id=want.source_id,
                    created_at=now,
                    updated_at=now,
                )
            )
    for alert in by_key.values():
        alert.active_to, alert.ended_by_id, alert.end_reason = ending(alert)
        alert.updated_at = now
        session.add(alert)
    session.flush()


def sync_flag(flag: SelfHarmFlag, now: datetime) -> None:
    """The alert of a child's self-harm flag: raised when it opens, reworded when its risk or
    observation level changes, ended when it is closed or ends on release."""

    def ending(alert: Alert) -> tuple[datetime, int | None, str]:
        ended = flag
        if alert.source_id != flag.id:
            ended = db.session().get(SelfHarmFlag, alert.source_id)
        if ended.released_at is not None and ended.closed_at == ended.released_at:
            why = "The self-harm flag ended when the child was released"
        else:
            why = "The self-harm flag was closed"
        return ended.closed_at or ended.released_at or now, ended.closed_by_id, why

    _reconcile(flag.young_person_id, sources.FLAG, sources.flag_alerts(flag), ending, now)


def sync_screening(screening: WelfareScreening, now: datetime) -> None:
    """The alerts of a newly submitted screening; those of the screening before it end, as it
    replaces what the establishment knows of the child."""

    def ending(alert: Alert) -> tuple[datetime, int | None, str]:
        return (
            screening.submitted_at,
            screening.submitted_by_id,
            f"Replaced by the welfare screening submitted on {format_date(screening.submitted_at)}",
        )

    wanted = sources.screening_alerts(screening)
    _reconcile(screening.young_person_id, sources.SCREENING, wanted, ending, now)


def sync_child_details(child: YoungPerson, *, by: User, now: datetime) -> None:
    """The alerts of the child's looked-after and child protection plan status."""
    _sync_child_details(child, by.id, now)


def _sync_child_details(child: YoungPerson, by_id: int, now: datetime) -> None:
    def ending(alert: Alert) -> tuple[datetime, int | None, str]:
        return now, by_id, "The child's details no longer record it"

    wanted = sources.child_alerts(child, by_id, now)
    _reconcile(child.id, sources.CHILD, wanted, ending, now)


def sync_existing(now: datetime) -> int:
    """Raise the alerts that records made before alerts existed ask for: each open flag, each
    child's latest submitted screening, and the details of each child whose record says who
    registered them. Safe to run again: what is already raised stays. Returns the children
    looked at."""
    session = db.session()
    for flag in session.exec(select(SelfHarmFlag).where(SelfHarmFlag.state == "OPEN")):
        sync_flag(flag, now)
    latest = (
        select(sa.func.max(WelfareScreening.id))
        .where(WelfareScreening.submitted_at.is_not(None))
        .group_by(WelfareScreening.young_person_id)
    )
    for screening in session.exec(select(WelfareScreening).where(WelfareScreening.id.in_(latest))):
        sync_screening(screening, now)
    children = session.exec(
        select(YoungPerson).where(
            YoungPerson.created_by_id.is_not(None),
            sa.or_(YoungPerson.looked_after, YoungPerson.child_protection_plan),
        )
    ).all()
    for child in children:
        _sync_child_details(child, child.created_by_id, child.created_at)
    return len(children)


def _check_may_write(child: YoungPerson, by: User, agency: Agency, holding: bool) -> None:
    if not may_write_about(by, agency, child, holding=holding):
        raise AlertError(
            f"Only {child.full_name}'s YOT and the establishment holding them can raise or end "
            "alerts"
        )


def _text(value: str | None, field: str, missing: str, what: str, limit: int) -> str:
    return required_text(value, field, missing, what, limit, AlertError)


def raise_alert(
    child: YoungPerson,
    *,
    by: User,
    agency: Agency,
    holding: bool,
    code: AlertCode | str | None,
    description: str | None,
    now: datetime,
) -> Alert:
    """An alert raised by hand; it stays until someone ends it with a reason."""
    _check_may_write(child, by, agency, holding)
    if not code:
        raise AlertError("Select what the alert is about", "code")
    alert = Alert(
        young_person_id=child.id,
        code=AlertCode(code),
        description=_text(
            description,
            "description",
            "Enter what people must know",
            "The alert",
            MAX_DESCRIPTION,
        ),
        active_from=now,
        raised_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    session = db.session()
    session.add(alert)
    session.flush()
    audit.record(
        "alert_raised", young_person_id=child.id, object_type="alert", object_id=alert.id, user=by
    )
    return alert


def end_alert(
    alert: Alert,
    child: YoungPerson,
    *,
    by: User,
    agency: Agency,
    holding: bool,
    version: int | None,
    reason: str | None,
    now: datetime,
) -> None:
    """End an active alert by hand, saying why. One a record raised ends with its record while
    the record is open (an open self-harm flag, the child's details)."""
    alert.check_version(version, StaleAlertError)
    _check_may_write(child, by, agency, holding)
    if not alert.is_active:
        raise AlertError(f"This alert was ended on {format_date(alert.active_to)}")
    if alert.source_type in RECORD_STILL_OPEN:
        raise AlertError(RECORD_STILL_OPEN[alert.source_type])
    alert.end_reason = _text(
        reason, "reason", "Enter why the alert is ending", "The reason", MAX_REASON
    )
    alert.active_to = now
    alert.ended_by_id = by.id
    alert.updated_at = now
    db.save(alert, StaleAlertError)
    audit.record(
        "alert_ended", young_person_id=child.id, object_type="alert", object_id=alert.id, user=by
    )
