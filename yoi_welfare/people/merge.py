"""Two records of one child made one, by an administrator.

Every row about the merged child moves to the kept child in one transaction, so the
chronology, the flags and the deadlines are whole again. What the merged record was known by
(its reference, area, PNC number and date of birth) is kept in ``child_merge``: a search for
it, an admission by it and a link to it all lead to the kept child. Both children's YOTs are
told through the outbox. The audit trail is never rewritten: its events about the merged
child keep their id, and the kept child's access log reads them through ``child_merge``.

Which tables hold a child's rows is read from the schema: every foreign key to
``young_person`` must be named in ``MOVES`` (tests/test_merge.py fails otherwise), so a new
kind of record cannot be left behind on a record that no longer exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.alerts.models import Alert
from yoi_welfare.alerts.sources import CHILD as CHILD_DETAILS
from yoi_welfare.audit import services as audit
from yoi_welfare.dates import utcnow
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.models import RetentionReview, RetentionStatus
from yoi_welfare.models import metadata
from yoi_welfare.notifications.services import Notice, notify
from yoi_welfare.people.models import ChildMerge, DuplicateDismissal, YoungPerson
from yoi_welfare.people.placements import dao_current_placement
from yoi_welfare.screenings.models import ScreeningStatus, WelfareScreening
from yoi_welfare.self_harm.models import FlagState, SelfHarmFlag


class MergeError(ServiceError):
    """A merge that cannot be carried out; the message says why and what to do first."""


@dataclass(frozen=True)
class MergeResult:
    merge: ChildMerge
    moved: dict[str, int]  # rows moved, by table
    told: int  # notices queued


def _move(table: sa.Table, column: sa.Column, merged_id: int, kept_id: int) -> int:
    result = db.session().execute(
        sa.update(table).where(column == merged_id).values({column.name: kept_id})
    )
    return result.rowcount


def _move_dismissals(table, column, merged_id: int, kept_id: int) -> int:
    """A pair once told apart is now one child: that dismissal goes. One the kept child has
    already (with a third child) is not doubled."""
    other = (
        DuplicateDismissal.other_young_person_id
        if column.name == "young_person_id"
        else DuplicateDismissal.young_person_id
    )
    session = db.session()
    session.execute(sa.delete(DuplicateDismissal).where(column == merged_id, other == kept_id))
    taken = select(other).where(column == kept_id)
    session.execute(
        sa.delete(DuplicateDismissal).where(column == merged_id, other.in_(taken.scalar_subquery()))
    )
    return _move(table, column, merged_id, kept_id)


def _move_alerts(table, column, merged_id: int, kept_id: int) -> int:
    """The alerts the merged record's details raised end with it (the kept record's details
    raise their own); every other alert moves, with the record that raised it."""
    session = db.session()
    now = utcnow()
    session.execute(
        sa.update(Alert)
        .where(
            Alert.young_person_id == merged_id,
            Alert.source_type == CHILD_DETAILS,
            Alert.active_to.is_(None),
        )
        .values(active_to=now, end_reason="The record was merged into another", updated_at=now)
    )
    return _move(table, column, merged_id, kept_id)


# Every foreign key to young_person.id, by (table, column), and how its rows move.
MOVES: dict[tuple[str, str], Callable[[sa.Table, sa.Column, int, int], int]] = {
    ("placement", "young_person_id"): _move,
    ("placement_exception", "young_person_id"): _move,
    ("placement_correction", "young_person_id"): _move,
    ("welfare_screening", "young_person_id"): _move,
    ("welfare_action", "young_person_id"): _move,
    ("custody_welfare_note", "young_person_id"): _move,  # allowed by migration 0028 only
    # Each note read stays read, by the same users: a note's id does not change.
    ("custody_note_read", "young_person_id"): _move,
    ("self_harm_flag", "young_person_id"): _move,
    ("placement_review", "young_person_id"): _move,
    ("approval", "young_person_id"): _move,
    ("disclosure", "young_person_id"): _move,
    ("notification", "young_person_id"): _move,
    ("subject_access_export", "young_person_id"): _move,
    ("duplicate_dismissal", "young_person_id"): _move_dismissals,
    ("duplicate_dismissal", "other_young_person_id"): _move_dismissals,
    ("child_merge", "kept_id"): _move,  # a record merged into this one before
    ("alert", "young_person_id"): _move_alerts,
}


def child_links() -> set[tuple[str, str]]:
    """Every (table, column) whose foreign key points at a child."""
    return {
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == "young_person" for fk in column.foreign_keys)
    }


def _refuse(merged: YoungPerson, kept: YoungPerson) -> None:
    """What stops the merge, in the words a user can act on."""
    if merged.id == kept.id:
        raise MergeError("A child cannot be merged into their own record", "kept_reference")
    here, there = dao_current_placement(merged.id), dao_current_placement(kept.id)
    if here is not None and there is not None:
        names = {
            agency.id: agency.name
            for agency in db.session().exec(
                select(Agency).where(Agency.id.in_([here.establishment_id, there.establishment_id]))
            )
        }
        where = (
            f"at {names[here.establishment_id]} and {names[there.establishment_id]}"
            if here.establishment_id != there.establishment_id
            else f"both at {names[here.establishment_id]}"
        )
        raise MergeError(
            f"Both records show the child in custody now, {where}. One child is held in one "
            "place: the establishment must release the wrong record (or correct it) first"
        )
    session = db.session()
    open_flags = session.exec(
        select(SelfHarmFlag.young_person_id).where(
            SelfHarmFlag.young_person_id.in_([merged.id, kept.id]),
            SelfHarmFlag.state == FlagState.OPEN,
        )
    ).all()
    if len(open_flags) == 2:
        raise MergeError(
            "Both records have an open self-harm flag. The establishment holding the child "
            "must review and close one first, so that one flag goes on"
        )
    drafts = session.exec(
        select(WelfareScreening.young_person_id).where(
            WelfareScreening.young_person_id.in_([merged.id, kept.id]),
            WelfareScreening.status == ScreeningStatus.DRAFT,
        )
    ).all()
    if len(drafts) == 2:
        raise MergeError(
            "Both records have a draft welfare screening. The YOT must submit or discard one "
            "first, so that one draft goes on"
        )


def merge_children(
    user: User | None, merged: YoungPerson, kept: YoungPerson, *, reason: str, now: datetime
) -> MergeResult:
    """Move every record of ``merged`` to ``kept``, keep what identified ``merged``, tell both
    YOTs and audit it; all in the caller's transaction. ``user`` is the administrator (None
    from the command line, which names one in the audit trail by ``user`` all the same)."""
    unhandled = child_links() - MOVES.keys()
    if unhandled:  # a programming error: tests/test_merge.py says so first
        raise RuntimeError(f"merge does not move {sorted(unhandled)}")
    _refuse(merged, kept)
    session = db.session()
    merge = ChildMerge(
        merged_id=merged.id,
        kept_id=kept.id,
        merged_home_area_id=merged.home_area_id,
        merged_local_reference=merged.local_reference,
        merged_pnc_number=merged.pnc_number,
        merged_date_of_birth=merged.date_of_birth,
        reason=reason,
        merged_by_id=user.id if user else None,
        merged_at=now,
    )
    session.add(merge)
    session.flush()
    told = _tell_yots(merged, kept, merge, user, now)
    moved = {}
    for table in metadata.sorted_tables:
        for column in table.columns:
            move = MOVES.get((table.name, column.name))
            if move is not None:
                count = move(table, column, merged.id, kept.id)
                if count:
                    moved[f"{table.name}.{column.name}"] = count
    # A review listing the merged record for deletion is the kept child's to list, afresh.
    session.execute(
        sa.delete(RetentionReview).where(
            RetentionReview.young_person_id == merged.id,
            RetentionReview.status == RetentionStatus.DUE,
        )
    )
    session.execute(
        sa.update(RetentionReview)
        .where(RetentionReview.young_person_id == merged.id)
        .values(young_person_id=kept.id)
    )
    session.expire_all()
    session.execute(sa.delete(YoungPerson).where(YoungPerson.id == merge.merged_id))
    detail = f"child {merge.merged_id} merged into {merge.kept_id}"
    for child_id in (merge.merged_id, merge.kept_id):
        audit.record(
            "children_merged",
            young_person_id=child_id,
            object_type="child_merge",
            object_id=merge.id,
            user=user,
            detail=detail,
        )
    return MergeResult(merge, moved, told)


def _tell_yots(
    merged: YoungPerson, kept: YoungPerson, merge: ChildMerge, user: User | None, now: datetime
) -> int:
    """Each child's YOT managers, about the record they knew (before it moves): one notice for
    an area with both."""
    told = 0
    facts = (
        f"Merged record: {merged.initials} ({merged.local_reference})",
        f"Kept record: {kept.initials} ({kept.local_reference})",
    )
    notice = Notice(
        subject="Two records of one child merged",
        what=(
            "An administrator found that two records were of one child and merged them. "
            "Everything recorded under either record is now on the kept record, and the "
            "merged record's reference leads to it."
        ),
        facts=facts,
        next_step="Check the child's chronology, flags and actions.",
        path=f"/children/{kept.id}",
    )
    areas = [kept.home_area_id]
    if merged.home_area_id != kept.home_area_id:
        areas.append(merged.home_area_id)
    for area_id in areas:
        child = kept if area_id == kept.home_area_id else merged
        told += notify(
            dao_manager_emails(sa.and_(Agency.area_id == area_id, Agency.kind == AgencyKind.YOT)),
            child,
            notice,
            urgent=False,
            about=("child_merge", merge.id),
            purpose="Two records of one child merged, told to the child's YOT",
            at=now,
            by=user,
        )
    return told


def dao_merged_into(merged_id: int) -> int | None:
    """The kept child a merged record's id leads to, if it was merged."""
    return (
        db.session()
        .exec(select(ChildMerge.kept_id).where(ChildMerge.merged_id == merged_id))
        .first()
    )


def dao_merged_ids(kept_id: int) -> list[int]:
    """The ids of every record merged into this child (for its access log)."""
    return list(
        db.session().exec(select(ChildMerge.merged_id).where(ChildMerge.kept_id == kept_id)).all()
    )


@dataclass(frozen=True)
class MergeSide:
    """One of the two records as the administrator checks it before merging."""

    child: YoungPerson
    area_name: str
    held_at: str | None  # the establishment holding the child now
    records: int  # rows that would move (or stay, for the kept one)


def dao_child(area_id: int, reference: str, field: str) -> YoungPerson:
    child = (
        db.session()
        .exec(
            select(YoungPerson).where(
                YoungPerson.home_area_id == area_id,
                sa.func.lower(YoungPerson.local_reference) == reference.strip().lower(),
            )
        )
        .first()
    )
    if child is None:
        raise MergeError(f"No child of that area has the reference {reference.strip()}", field)
    return child


def dao_side(child: YoungPerson) -> MergeSide:
    """The record, where the child is held, and how many rows hang on it."""
    session = db.session()
    records = 0
    for table in metadata.sorted_tables:
        for column in table.columns:
            if (table.name, column.name) in MOVES:
                records += session.execute(
                    sa.select(sa.func.count()).select_from(table).where(column == child.id)
                ).scalar_one()
    placement = dao_current_placement(child.id)
    held_at = session.get(Agency, placement.establishment_id).name if placement else None
    area = session.get(Area, child.home_area_id)
    return MergeSide(child, area.name, held_at, records)


def fingerprint(merged: YoungPerson, kept: YoungPerson) -> str:
    """What the administrator checked: the two records, by id (the confirmation carries it)."""
    return f"{merged.id}:{kept.id}"
