"""Subject access: everything the service holds about one child, as a PDF and as JSON.

Every record type is exported with every column, so a column added later is exported too. The
names of staff are kept (they acted in a public role); free text, which may name family members
and other people, is marked "review before release" for the person who answers the request.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import render_template
from sqlmodel import SQLModel, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.alerts.models import Alert
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit import services as audit
from yoi_welfare.audit.labels import action_label, role_label
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment
from yoi_welfare.dates import format_date, format_datetime, utcnow
from yoi_welfare.errors import ServiceError
from yoi_welfare.escalations.models import Escalation, EscalationResponse
from yoi_welfare.governance.disclosures import Leaving, record_disclosures
from yoi_welfare.governance.models import (
    Disclosure,
    DisclosureChannel,
    ExportStatus,
    SubjectAccessExport,
)
from yoi_welfare.people.models import (
    Placement,
    PlacementCorrection,
    PlacementException,
    YoungPerson,
)
from yoi_welfare.reports.render import RenderedPdf, render_tagged_pdf
from yoi_welfare.reviews.models import PlacementReview
from yoi_welfare.screenings.models import ScreeningRead, WelfareScreening
from yoi_welfare.screenings.questions import SECTIONS
from yoi_welfare.self_harm.models import CaseReview, SelfHarmFlag

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "governance" / "export.css"
LAWFUL_BASIS = "UK GDPR Article 15: the right of access by the data subject"
NAMED = {"user": User, "agency": Agency, "area": Area}
# Columns that are the service's own bookkeeping, not information about the child.
BOOKKEEPING = {"version_id"}


class SubjectAccessError(ServiceError):
    """A subject access request that cannot be carried out."""


@dataclass
class ExportRecord:
    """One record: its fields, which of them to review before release, and records within it."""

    fields: dict[str, Any]
    review_before_release: list[str] = field(default_factory=list)
    parts: dict[str, list["ExportRecord"]] = field(default_factory=dict)

    def as_json(self) -> dict:
        document = {"fields": {k: _json_value(v) for k, v in self.fields.items()}}
        document["review_before_release"] = self.review_before_release
        for name, records in self.parts.items():
            document[name] = [record.as_json() for record in records]
        return document


@dataclass
class ExportSection:
    key: str
    title: str
    records: list[ExportRecord]


@dataclass
class SubjectAccessDocument:
    child: YoungPerson
    area: Area
    produced_at: datetime
    requester: str
    details: ExportRecord
    sections: list[ExportSection]

    def as_json(self) -> dict:
        return {
            "subject_access_export": {
                "child_reference": self.child.local_reference,
                "home_area": self.area.name,
                "produced_at": self.produced_at.isoformat(),
                "requested_by": self.requester,
                "note": (
                    "Names of staff are kept. Fields listed in review_before_release are free "
                    "text that may name other people: review them before release."
                ),
            },
            "child": self.details.as_json(),
            **{s.key: [r.as_json() for r in s.records] for s in self.sections},
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def export_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def export_value(value: Any) -> str:
    """A value as the PDF shows it: dates in UK time, yes or no, labels for enums."""
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _is_free_text(column: sa.Column) -> bool:
    kind = column.type
    if isinstance(kind, sa.Enum):
        return False
    return isinstance(kind, sa.Text) or (
        isinstance(kind, sa.String) and (kind.length is None or kind.length >= 200)
    )


class _Names:
    """Names of the staff, agencies and areas a record refers to, looked up once each."""

    def __init__(self):
        self.cache: dict[tuple[str, int], str | None] = {}

    def of(self, table: str, row_id: int) -> str | None:
        key = (table, row_id)
        if key not in self.cache:
            row = db.session().get(NAMED[table], row_id)
            self.cache[key] = getattr(row, "name", None)
        return self.cache[key]


def _record(row: SQLModel, names: _Names, skip: frozenset[str] = frozenset()) -> ExportRecord:
    fields: dict[str, Any] = {}
    review = []
    for column in row.__table__.columns:
        if column.key in BOOKKEEPING or column.key in skip:
            continue
        value = getattr(row, column.key)
        fields[column.key] = value
        if value not in (None, "") and _is_free_text(column):
            review.append(column.key)
        targets = {fk.column.table.name for fk in column.foreign_keys} & NAMED.keys()
        if targets and value is not None:
            fields[f"{column.key.removesuffix('_id')}_name"] = names.of(targets.pop(), value)
    return ExportRecord(fields, review)


def _rows(model, condition, order) -> list:
    return list(db.session().exec(select(model).where(condition).order_by(*order)).all())


def _screening(screening: WelfareScreening, names: _Names) -> ExportRecord:
    asked = {name for section in SECTIONS for name in section.columns()}
    record = _record(screening, names, skip=frozenset(asked))
    record.parts["sections"] = []
    for section in SECTIONS:
        answers = []
        for question in section.all_questions():
            value = getattr(screening, question.name)
            free_text = isinstance(value, str) and value != ""
            answers.append(
                ExportRecord(
                    {"question": question.label, "answer": value},
                    ["answer"] if free_text else [],
                )
            )
        record.parts["sections"].append(
            ExportRecord({"section": section.title}, [], {"answers": answers})
        )
    return record


def _by(rows: list, key: str) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def gather(child: YoungPerson, requester: str, now: datetime) -> SubjectAccessDocument:
    """Everything held about the child, each record type in the order it happened."""
    names = _Names()

    def of_child(model):
        return model.young_person_id == child.id

    placements = _rows(Placement, of_child(Placement), [Placement.admitted_at])
    placement_exceptions = _by(
        _rows(PlacementException, of_child(PlacementException), [PlacementException.id]),
        "placement_id",
    )
    placement_corrections = _by(
        _rows(PlacementCorrection, of_child(PlacementCorrection), [PlacementCorrection.id]),
        "placement_id",
    )
    screenings = _rows(WelfareScreening, of_child(WelfareScreening), [WelfareScreening.created_at])
    reads = _by(
        _rows(
            ScreeningRead,
            ScreeningRead.screening_id.in_([s.id for s in screenings]),
            [ScreeningRead.read_at],
        ),
        "screening_id",
    )
    notes = _rows(CustodyWelfareNote, of_child(CustodyWelfareNote), [CustodyWelfareNote.written_at])
    amendments = _by(
        _rows(
            NoteAmendment,
            NoteAmendment.note_id.in_([n.id for n in notes]),
            [NoteAmendment.amended_at],
        ),
        "note_id",
    )
    flags = _rows(SelfHarmFlag, of_child(SelfHarmFlag), [SelfHarmFlag.opened_at])
    case_reviews = _by(
        _rows(CaseReview, CaseReview.flag_id.in_([f.id for f in flags]), [CaseReview.held_at]),
        "flag_id",
    )
    reviews = _rows(PlacementReview, of_child(PlacementReview), [PlacementReview.held_at])
    actions = _rows(WelfareAction, of_child(WelfareAction), [WelfareAction.due_at])
    escalations = _rows(
        Escalation, Escalation.action_id.in_([a.id for a in actions]), [Escalation.raised_at]
    )
    responses = _by(
        _rows(
            EscalationResponse,
            EscalationResponse.escalation_id.in_([e.id for e in escalations]),
            [EscalationResponse.responded_at],
        ),
        "escalation_id",
    )
    escalations_by_action = _by(escalations, "action_id")
    approvals = _rows(Approval, of_child(Approval), [Approval.requested_at, Approval.id])
    alerts = _rows(Alert, of_child(Alert), [Alert.active_from, Alert.id])
    disclosures = _rows(Disclosure, of_child(Disclosure), [Disclosure.disclosed_at, Disclosure.id])
    events = _rows(AuditEvent, AuditEvent.young_person_id == child.id, [AuditEvent.id])

    def with_parts(record: ExportRecord, **parts: list[ExportRecord]) -> ExportRecord:
        record.parts.update(parts)
        return record

    sections = [
        ExportSection(
            "alerts",
            "Alerts: what everyone who saw the record was to know at once, and when each ended",
            [_record(a, names) for a in alerts],
        ),
        ExportSection(
            "placements",
            "Placements",
            [
                with_parts(
                    _record(p, names),
                    exceptions=[_record(e, names) for e in placement_exceptions.get(p.id, [])],
                    corrections=[_record(c, names) for c in placement_corrections.get(p.id, [])],
                )
                for p in placements
            ],
        ),
        ExportSection(
            "welfare_screenings",
            "Welfare screenings",
            [
                with_parts(
                    _screening(s, names), reads=[_record(r, names) for r in reads.get(s.id, [])]
                )
                for s in screenings
            ],
        ),
        ExportSection(
            "custody_welfare_notes",
            "Custody welfare notes and their amendments",
            [
                with_parts(
                    _record(n, names),
                    amendments=[_record(a, names) for a in amendments.get(n.id, [])],
                )
                for n in notes
            ],
        ),
        ExportSection(
            "self_harm_flags",
            "Self-harm flags, plans, interviews and case reviews",
            [
                with_parts(
                    _record(f, names),
                    case_reviews=[_record(r, names) for r in case_reviews.get(f.id, [])],
                )
                for f in flags
            ],
        ),
        ExportSection(
            "placement_reviews", "Placement reviews", [_record(r, names) for r in reviews]
        ),
        ExportSection(
            "welfare_actions",
            "Welfare actions, escalations and ACPC responses",
            [
                with_parts(
                    _record(a, names),
                    escalations=[
                        with_parts(
                            _record(e, names),
                            responses=[_record(r, names) for r in responses.get(e.id, [])],
                        )
                        for e in escalations_by_action.get(a.id, [])
                    ],
                )
                for a in actions
            ],
        ),
        ExportSection(
            "approvals",
            "Decisions a manager was asked to approve, and who approved or returned them",
            [_record(a, names) for a in approvals],
        ),
        ExportSection(
            "disclosures", "Record of disclosure", [_record(d, names) for d in disclosures]
        ),
        ExportSection(
            "access_history", "Who has seen the record", [_event(e, names) for e in events]
        ),
    ]
    area = db.session().get(Area, child.home_area_id)
    return SubjectAccessDocument(child, area, now, requester, _record(child, names), sections)


def _event(event: AuditEvent, names: _Names) -> ExportRecord:
    """An audit event as the child's access history shows it; not the addresses it came from."""
    return ExportRecord(
        {
            "occurred_at": event.occurred_at,
            "what": action_label(event.action),
            "outcome": event.outcome,
            "who": names.of("user", event.user_id) if event.user_id else event.user_email,
            "role": role_label(event.role),
            "agency": names.of("agency", event.agency_id) if event.agency_id else None,
            "record": event.object_type,
            "record_id": event.object_id,
            "detail": event.detail,
        }
    )


def render_pdf(document: SubjectAccessDocument) -> RenderedPdf:
    """The export as a tagged PDF, fetching nothing (as the weekly report)."""
    html = render_template("governance/export.html", document=document)
    header = f"Subject access export · {document.child.local_reference}"
    return render_tagged_pdf(html, STYLESHEET, header)


def to_json(document: SubjectAccessDocument) -> str:
    return json.dumps(document.as_json(), indent=2, ensure_ascii=False)


def filenames(child: YoungPerson, produced_at: datetime) -> tuple[str, str]:
    stem = f"subject-access-{child.local_reference.lower()}-{produced_at:%Y%m%d}"
    return f"{stem}.pdf", f"{stem}.json"


# Requests, production and downloads ----------------------------------------------------------


def dao_children_by_reference(reference: str) -> list[tuple[YoungPerson, Area]]:
    """Children with this local reference (unique within an area), for an administrator.

    Returns only the reference, name and area: the administrator sees no other part of the record.
    """
    return list(
        db.session()
        .exec(
            select(YoungPerson, Area)
            .join(Area, Area.id == YoungPerson.home_area_id)
            .where(sa.func.upper(YoungPerson.local_reference) == reference.strip().upper())
            .order_by(Area.name)
        )
        .all()
    )


def child_by_reference(reference: str, area_code: str | None = None) -> YoungPerson:
    """The one child with this reference (and area), or an error saying what to give instead."""
    matches = dao_children_by_reference(reference)
    if area_code:
        matches = [(c, a) for c, a in matches if a.code.upper() == area_code.strip().upper()]
    if not matches:
        raise SubjectAccessError(f"No child has the reference {reference.strip()}", "reference")
    if len(matches) > 1:
        areas = ", ".join(area.code for _child, area in matches)
        raise SubjectAccessError(
            f"{len(matches)} children have the reference {reference.strip()} (areas {areas}): "
            "give the area too",
            "reference",
        )
    return matches[0][0]


def request_export(child: YoungPerson, requester: str, *, by: User, at: datetime):
    """Queue an export; the scheduler produces it within a minute."""
    export = SubjectAccessExport(
        young_person_id=child.id, requester=requester, requested_at=at, requested_by_id=by.id
    )
    db.session().add(export)
    db.session().flush()
    audit.record(
        "subject_access_requested",
        young_person_id=child.id,
        object_type="subject_access_export",
        object_id=export.id,
        user=by,
    )
    return export


def produce(export: SubjectAccessExport, now: datetime) -> SubjectAccessExport:
    child = db.session().get(YoungPerson, export.young_person_id)
    document = gather(child, export.requester, now)
    rendered = render_pdf(document)
    export.pdf = rendered.pdf
    export.page_count = rendered.page_count
    export.document = to_json(document)
    export.status = ExportStatus.READY
    export.produced_at = now
    db.session().add(export)
    db.session().flush()
    audit.record(
        "subject_access_produced",
        user=None,
        young_person_id=child.id,
        object_type="subject_access_export",
        object_id=export.id,
        detail=f"sha256 {hashlib.sha256(rendered.pdf).hexdigest()[:16]}",
    )
    return export


def produce_pending(now: datetime | None = None) -> int:
    """Produce every export waiting to be produced (the scheduler does this every minute)."""
    now = now or utcnow()
    pending = _rows(
        SubjectAccessExport,
        SubjectAccessExport.status == ExportStatus.PENDING,
        [SubjectAccessExport.id],
    )
    for export in pending:
        produce(export, now)
    return len(pending)


def dao_exports(young_person_id: int) -> list[SubjectAccessExport]:
    """The child's exports, newest first, without their contents."""
    return list(
        db.session().exec(
            select(SubjectAccessExport)
            .options(
                sa.orm.defer(SubjectAccessExport.pdf), sa.orm.defer(SubjectAccessExport.document)
            )
            .where(SubjectAccessExport.young_person_id == young_person_id)
            .order_by(SubjectAccessExport.requested_at.desc(), SubjectAccessExport.id.desc())
        )
    )


def record_release(
    export: SubjectAccessExport, file_format: str, *, by: User | None, at: datetime
) -> None:
    """A copy of the export leaves the service, to be released to whoever asked for it."""
    audit.record(
        "subject_access_downloaded",
        young_person_id=export.young_person_id,
        object_type="subject_access_export",
        object_id=export.id,
        detail=file_format,
        user=by,
    )
    record_disclosures(
        [Leaving(export.young_person_id, export.requester)],
        channel=DisclosureChannel.EXPORT,
        purpose=f"Subject access request ({file_format})",
        lawful_basis=LAWFUL_BASIS,
        at=at,
        by=by,
        object_type="subject_access_export",
        object_id=export.id,
    )
