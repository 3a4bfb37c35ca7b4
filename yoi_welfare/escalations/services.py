"""The escalation scan and the pages' queries.

The scan is set-based: a fixed number of statements however many actions exist. Each level is
one INSERT … SELECT that skips what is already raised (ON CONFLICT DO NOTHING on the unique
(action, level)), so a rerun, or two scans at once, raise each escalation exactly once.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.access import Reach, Viewer, reach_clause
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.actions.queries import allowed_owners
from yoi_welfare.agencies.models import ESTABLISHMENT_KINDS, Agency, AgencyKind
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import format_datetime, uk_date
from yoi_welfare.domain.timescales import EscalationLevel, Unit, describe_overdue, due_at
from yoi_welfare.errors import ServiceError
from yoi_welfare.escalations.models import Escalation, EscalationResponse, ResponseKind
from yoi_welfare.governance.agreements import party_to_agreement_clause
from yoi_welfare.governance.disclosures import Leaving, record_disclosures
from yoi_welfare.governance.models import DisclosureChannel
from yoi_welfare.notifications.services import Notice, notify, record_emailed
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.outbox.services import header_value
from yoi_welfare.paging import Listing, Page, listing, page_of
from yoi_welfare.people.models import YoungPerson

SCAN_LOCK = 7_100_002


class EscalationError(ServiceError):
    """An escalation request that cannot be carried out."""


@dataclass(frozen=True)
class ScanResult:
    raised_agency: int
    raised_acpc: int
    resolved: int
    still_open: int
    emails: int


def _open_action():
    return sa.and_(WelfareAction.completed_at.is_(None), WelfareAction.cancelled_at.is_(None))


def _agency_level(when) -> sa.Select:
    """Overdue open actions, raised to their owner agency at their due time."""
    return select(
        WelfareAction.id,
        sa.literal(EscalationLevel.AGENCY.value),
        WelfareAction.owner_agency_id,
        WelfareAction.due_at,
        when,
    ).where(_open_action(), WelfareAction.due_at <= when)


def _acpc_level(when) -> sa.Select:
    """Actions still open after the rule's grace, raised to the ACPC of the child's home area."""
    acpc = sa.orm.aliased(Agency)
    return (
        select(
            WelfareAction.id,
            sa.literal(EscalationLevel.ACPC.value),
            acpc.id,
            WelfareAction.acpc_due_at,
            when,
        )
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .join(acpc, sa.and_(acpc.area_id == YoungPerson.home_area_id, acpc.kind == AgencyKind.ACPC))
        .where(_open_action(), WelfareAction.acpc_due_at <= when)
    )


def _raise_both_levels(now: datetime) -> tuple[int, int]:
    """One INSERT … SELECT for both levels; returns how many were raised at each.

    Every overdue open action is offered at each level now due; the unique (action, level) turns
    away those already raised. Open overdue actions are few (the partial index on open actions
    finds them), so offering them again costs less than looking up what was raised first.
    """
    table = Escalation.__table__
    when = sa.bindparam("now", now, type_=table.c.raised_at.type)
    insert = (
        postgresql.insert if db.session().get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = (
        insert(table)
        .from_select(
            ["action_id", "level", "agency_id", "became_due_at", "raised_at"],
            sa.union_all(_agency_level(when), _acpc_level(when)),
        )
        .on_conflict_do_nothing(index_elements=["action_id", "level"])
        .returning(table.c.level)
    )
    levels = db.session().execute(statement).scalars().all()
    acpc = sum(1 for level in levels if level == EscalationLevel.ACPC)
    return len(levels) - acpc, acpc


def _resolve_closed(now: datetime) -> int:
    """Resolve open escalations whose action has been completed or cancelled.

    Completing or cancelling an action resolves its escalations at once; this catches anything
    closed some other way. It starts from the few open escalations (a partial index), not from
    the many closed actions.
    """
    closed = sa.exists().where(
        WelfareAction.id == Escalation.action_id,
        sa.or_(WelfareAction.completed_at.is_not(None), WelfareAction.cancelled_at.is_not(None)),
    )
    statement = (
        sa.update(Escalation)
        .where(Escalation.resolved_at.is_(None), closed)
        .values(resolved_at=now)
    )
    return db.session().execute(statement).rowcount


def _queue_emails(now: datetime) -> int:
    """One email per recipient for each escalation raised now that has no mail yet."""
    already = sa.exists().where(
        OutboundEmail.cause_type == "escalation", OutboundEmail.cause_id == Escalation.id
    )
    rows = (
        db.session()
        .exec(
            select(
                Escalation,
                WelfareAction.title,
                WelfareAction.due_at,
                YoungPerson,
                User.id,
                User.email,
            )
            .join(WelfareAction, WelfareAction.id == Escalation.action_id)
            .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
            .join(User, User.agency_id == Escalation.agency_id)
            .where(
                Escalation.raised_at == now,
                ~already,
                User.active.is_(True),
                # Mail leaves only for an agency that may see the child today, as on the pages.
                party_to_agreement_clause(
                    Escalation.agency_id, YoungPerson.home_area_id, uk_date(now)
                ),
                sa.or_(
                    sa.and_(Escalation.level == EscalationLevel.AGENCY, User.is_manager.is_(True)),
                    sa.and_(
                        Escalation.level == EscalationLevel.ACPC, User.role == Role.ACPC_MEMBER
                    ),
                ),
            )
            .order_by(Escalation.id, User.email)
        )
        .all()
    )
    if not rows:
        return 0
    base_url = current_app.config["BASE_URL"].rstrip("/")
    emails = [
        {
            "message_id": make_msgid(domain="yoi-welfare.invalid"),
            "to_address": to_address,
            "subject": header_value(_subject(escalation, child)),
            "body_text": _body(escalation, title, due, child, now, base_url),
            "cause_type": "escalation",
            "cause_id": escalation.id,
            "status": "PENDING",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        for escalation, title, due, child, _user_id, to_address in rows
    ]
    # A Core insert: the ORM's bulk path costs more than the SQL for a few thousand rows.
    session = db.session()
    before = session.exec(select(func.coalesce(func.max(OutboundEmail.id), 0))).one()
    session.execute(OutboundEmail.__table__.insert(), emails)
    # Their ids, in one query however many (RETURNING would send one row at a time on SQLite).
    # Scans run one at a time, so what is newer, of this scan's instant, is this scan's.
    email_ids = dict(
        session.exec(
            select(OutboundEmail.message_id, OutboundEmail.id).where(
                OutboundEmail.id > before,
                OutboundEmail.cause_type == "escalation",
                OutboundEmail.created_at == now,
            )
        ).all()
    )
    # An escalation to you is urgent: in the service too, and emailed at once whatever you chose.
    record_emailed(
        [
            {
                "user_id": user_id,
                "young_person_id": child.id,
                "subject": _notice_subject(escalation),
                "body_text": _notice_text(escalation, title, due, now),
                "path": f"/escalations/{escalation.id}",
                "purpose": "Escalation of an overdue welfare action",
                "cause_type": "escalation",
                "cause_id": escalation.id,
            }
            for escalation, title, due, child, user_id, _ in rows
        ],
        [email_ids[email["message_id"]] for email in emails],
        urgent=True,
        at=now,
    )
    record_disclosures(
        (
            Leaving(child.id, to_address, escalation.id)
            for escalation, _, _, child, _user_id, to_address in rows
        ),
        channel=DisclosureChannel.EMAIL,
        purpose="Escalation of an overdue welfare action (the child's initials and reference)",
        at=now,
        object_type="escalation",
    )
    return len(emails)


def _notice_subject(escalation: Escalation) -> str:
    where = "ACPC" if escalation.level is EscalationLevel.ACPC else "your agency"
    return f"Overdue welfare action escalated to {where}"


def _subject(escalation: Escalation, child: YoungPerson) -> str:
    return f"{_notice_subject(escalation)}: {child.initials} {child.local_reference}"


def _what(escalation: Escalation) -> str:
    level = (
        "the area child protection committee"
        if escalation.level is EscalationLevel.ACPC
        else "your agency's managers"
    )
    return f"A welfare action is overdue and has been escalated to {level}."


def _notice_text(escalation, title, due, now) -> str:
    return f"{_what(escalation)}\n\nAction: {title}\n{describe_overdue(now - due).capitalize()}\n"


def _body(escalation, title, due, child, now, base_url) -> str:
    # Only what is needed to act: initials, reference, the action, how overdue, a link.
    return (
        f"{_what(escalation)}\n\n"
        f"Child: {child.initials} ({child.local_reference})\n"
        f"Action: {title}\n"
        f"{describe_overdue(now - due).capitalize()}\n\n"
        f"Sign in to see it and record what is being done:\n"
        f"{base_url}/escalations/{escalation.id}\n"
    )


def raise_due(now: datetime) -> tuple[int, int, int]:
    """The escalations themselves: resolve closed ones, raise both levels. Returns how many were
    resolved and raised at the AGENCY and ACPC levels."""
    if db.session().get_bind().dialect.name == "postgresql":
        db.session().execute(select(func.pg_advisory_xact_lock(SCAN_LOCK)))
    resolved = _resolve_closed(now)
    return resolved, *_raise_both_levels(now)


def scan(now: datetime) -> ScanResult:
    """Raise every overdue open action at the levels now due, resolve closed ones, queue mail.

    Scans run one at a time: on PostgreSQL a transaction-scoped advisory lock makes a second scan
    wait for the first to commit (then find nothing left to raise); SQLite's BEGIN IMMEDIATE does
    the same.
    """
    resolved, agency, acpc = raise_due(now)
    emails = _queue_emails(now) if agency or acpc else 0
    still_open = (
        db.session()
        .exec(select(func.count()).select_from(Escalation).where(Escalation.resolved_at.is_(None)))
        .one()
    )
    return ScanResult(agency, acpc, resolved, still_open, emails)


@dataclass(frozen=True)
class EscalationRow:
    escalation: Escalation
    action: WelfareAction
    child: YoungPerson
    owner: Agency


def _rows_statement(visible: sa.ColumnElement[bool]):
    owner = sa.orm.aliased(Agency)
    return (
        select(Escalation, WelfareAction, YoungPerson, owner)
        .join(WelfareAction, WelfareAction.id == Escalation.action_id)
        .join(YoungPerson, YoungPerson.id == WelfareAction.young_person_id)
        .join(owner, owner.id == WelfareAction.owner_agency_id)
        .where(visible)
    ), owner


# The deadlines of a self-harm flag: a child at risk now, so listed before any other.
SELF_HARM_KINDS = (
    "immediate_action_plan",
    "assessment_interview",
    "first_case_review",
    "next_case_review",
    "post_closure_review",
    "self_harm_approval",
)


def _most_pressing_first() -> list:
    """Self-harm work first, then the longest overdue (the earliest due)."""
    self_harm = sa.case((WelfareAction.kind.in_(SELF_HARM_KINDS), 0), else_=1)
    return [self_harm, WelfareAction.due_at, Escalation.id]


def _page(statements: Listing, page: int, per_page: int, params: dict) -> Page:
    rows = page_of(statements, page, per_page, params)
    return replace(rows, items=[EscalationRow(*row) for row in rows.items])


def dao_agency_escalations(viewer: Viewer, agency_id: int, page: int, per_page: int):
    """Open escalations of the actions an agency owns: one row per action, at the highest
    level it has reached (the ACPC, once raised there); self-harm work first, then the longest
    overdue."""
    params = {**viewer.params, "agency_id": agency_id}
    return _page(_agency_escalations(viewer.reach), page, per_page, params)


@db.prepared
def _agency_escalations(reach: Reach) -> Listing:
    statement, _owner = _rows_statement(reach_clause(reach))
    higher = sa.orm.aliased(Escalation)
    raised_higher = (
        select(higher.id)
        .where(
            higher.action_id == Escalation.action_id,
            higher.level == EscalationLevel.ACPC,
            higher.resolved_at.is_(None),
        )
        .exists()
    )
    statement = statement.where(
        WelfareAction.owner_agency_id == sa.bindparam("agency_id"),
        Escalation.resolved_at.is_(None),
        sa.or_(Escalation.level == EscalationLevel.ACPC, ~raised_higher),
    ).order_by(*_most_pressing_first())
    # Open escalations are few: all are found and sorted anyway, and counted with the page.
    return listing(statement, total_in_rows=True)


def dao_acpc_escalations(
    viewer: Viewer,
    acpc_id: int,
    *,
    owner_id: int | None,
    kind: str | None,
    status: str,
    page: int,
    per_page: int,
):
    """ACPC-level escalations raised to this ACPC, filtered: self-harm work first, then the
    longest overdue."""
    statements = _acpc_escalations(viewer.reach, owner_id is not None, bool(kind), status)
    params = {**viewer.params, "acpc_id": acpc_id, "owner_id": owner_id, "kind": kind}
    return _page(statements, page, per_page, params)


@db.prepared
def _acpc_escalations(reach: Reach, of_owner: bool, of_kind: bool, status: str) -> Listing:
    statement, owner = _rows_statement(reach_clause(reach))
    statement = statement.where(
        Escalation.agency_id == sa.bindparam("acpc_id"), Escalation.level == EscalationLevel.ACPC
    )
    if of_owner:
        statement = statement.where(owner.id == sa.bindparam("owner_id"))
    if of_kind:
        statement = statement.where(WelfareAction.kind == sa.bindparam("kind"))
    if status == "open":
        statement = statement.where(Escalation.resolved_at.is_(None))
    elif status == "resolved":
        statement = statement.where(Escalation.resolved_at.is_not(None))
    ordered = statement.order_by(*_most_pressing_first())
    return listing(ordered, total_in_rows=status == "open")


def dao_escalation(viewer: Viewer, escalation_id: int) -> EscalationRow | None:
    statement, _owner = _rows_statement(viewer.visible)
    statement = statement.where(Escalation.id == escalation_id)
    row = db.session().exec(statement, params=viewer.params).first()
    return EscalationRow(*row) if row else None


def dao_responses(
    escalation_ids: list[int],
) -> dict[int, list[tuple[EscalationResponse, str, str | None]]]:
    """Responses by escalation, oldest first, with who responded and any agency asked to act."""
    if not escalation_ids:
        return {}
    requested = sa.orm.aliased(Agency)
    rows = (
        db.session()
        .exec(
            select(EscalationResponse, User.name, requested.name)
            .join(User, User.id == EscalationResponse.responded_by_id)
            .outerjoin(requested, requested.id == EscalationResponse.requested_agency_id)
            .where(EscalationResponse.escalation_id.in_(escalation_ids))
            .order_by(EscalationResponse.responded_at, EscalationResponse.id)
        )
        .all()
    )
    by_escalation: dict[int, list] = {}
    for response, who, agency_name in rows:
        by_escalation.setdefault(response.escalation_id, []).append((response, who, agency_name))
    return by_escalation


def dao_action_escalations(action_ids: list[int]) -> dict[int, list[Escalation]]:
    if not action_ids:
        return {}
    rows = (
        db.session()
        .exec(
            select(Escalation).where(Escalation.action_id.in_(action_ids)).order_by(Escalation.id)
        )
        .all()
    )
    by_action: dict[int, list[Escalation]] = {}
    for escalation in rows:
        by_action.setdefault(escalation.action_id, []).append(escalation)
    return by_action


def record_response(
    row: EscalationRow,
    *,
    by: User,
    kind: ResponseKind,
    requested_agency_id: int | None,
    note: str | None,
    agencies_that_can_act: list[Agency],
    at: datetime,
) -> EscalationResponse:
    """The ACPC's response to an escalation raised to it."""
    escalation = row.escalation
    if escalation.level is not EscalationLevel.ACPC or escalation.agency_id != by.agency_id:
        raise EscalationError("Only the ACPC this was escalated to can respond")
    if kind is ResponseKind.ACTION_REQUESTED:
        if requested_agency_id is None:
            raise EscalationError("Select the agency you have asked to act", "requested_agency")
        if requested_agency_id not in {a.id for a in agencies_that_can_act}:
            raise EscalationError("Select an agency that works with this child", "requested_agency")
    else:
        requested_agency_id = None
    response = EscalationResponse(
        escalation_id=escalation.id,
        kind=kind,
        requested_agency_id=requested_agency_id,
        note=note or None,
        responded_at=at,
        responded_by_id=by.id,
    )
    db.session().add(response)
    db.session().flush()
    audit.record(
        "escalation_response_recorded",
        young_person_id=row.child.id,
        object_type="escalation",
        object_id=escalation.id,
        user=by,
    )
    if kind is ResponseKind.ACTION_REQUESTED:
        _ask_to_act(row, response, by=by, at=at)
    return response


# The ACPC's request is an action of the agency asked, due this long after it is made.
REQUEST_DUE = (2, Unit.WORKING_DAYS)


def _ask_to_act(row: EscalationRow, response: EscalationResponse, *, by: User, at: datetime):
    """The agency the ACPC asked to act gets an action of its own, watched and escalated like
    any other, and its managers are emailed at once (the child's initials and reference, the
    overdue action, a link): a request it never saw would change nothing."""
    agency = db.session().get(Agency, response.requested_agency_id)
    acpc = db.session().get(Agency, by.agency_id)
    title = f"{acpc.name} asks you to act on the overdue action: {row.action.title}"
    request = actions.add_manual_action(
        row.child,
        title=title[: actions.MAX_TITLE],
        owner_agency_id=agency.id,
        due=due_at(at, *REQUEST_DUE),
        by=by,
        now=at,
        source=response,
        also_allowed=row.owner.id,
    )
    notice = Notice(
        f"The ACPC asks {agency.name} to act",
        f"{acpc.name} has asked {agency.name} to act on an overdue welfare action.",
        (f"Overdue action: {row.action.title}", f"Act by: {format_datetime(request.due_at)}"),
        f"The request is an action of {agency.name} now.",
        f"/children/{row.child.id}",
    )
    notify(
        dao_manager_emails(Agency.id == agency.id),
        row.child,
        notice,
        urgent=True,
        about=("escalation_response", response.id),
        purpose="An ACPC's request to act on an overdue action",
        at=at,
        by=by,
    )


def dao_owner_choices(acpc_id: int) -> list[tuple[int, str]]:
    """Agencies that can own the actions of this ACPC's area's children, for the filter: the
    area's YOTs and every establishment. A fixed list, not a pass over years of escalations."""
    acpc = db.session().get(Agency, acpc_id)
    rows = (
        db.session()
        .exec(
            select(Agency.id, Agency.name)
            .where(
                sa.or_(
                    sa.and_(Agency.kind == AgencyKind.YOT, Agency.area_id == acpc.area_id),
                    Agency.kind.in_(ESTABLISHMENT_KINDS),
                )
            )
            .order_by(Agency.name)
        )
        .all()
    )
    return [(agency_id, name) for agency_id, name in rows]


def agencies_for(row: EscalationRow) -> list[Agency]:
    """Agencies the ACPC may ask to act: the owner, the child's YOT, the holding establishment."""
    agencies = {agency.id: agency for agency in allowed_owners(row.child)}
    agencies.setdefault(row.owner.id, row.owner)
    return sorted(agencies.values(), key=lambda agency: agency.name)
