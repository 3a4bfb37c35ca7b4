"""Producing, storing, delivering and listing the weekly ACPC reports."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import defer
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency, AgencyKind, Area
from yoi_welfare.audit import services as audit
from yoi_welfare.errors import ServiceError
from yoi_welfare.outbox.services import queue_email
from yoi_welfare.reports.data import gather
from yoi_welfare.reports.models import EscalationReport
from yoi_welfare.reports.render import render_weekly_report
from yoi_welfare.reports.weeks import IsoWeek


class ReportError(ServiceError):
    """A report request that cannot be carried out."""


@dataclass(frozen=True)
class Produced:
    report: EscalationReport
    area: Area
    created: bool


def dao_acpc_areas(code: str | None = None) -> list[Area]:
    """Areas that have an ACPC, or the one named by its code."""
    statement = (
        select(Area)
        .join(Agency, (Agency.area_id == Area.id) & (Agency.kind == AgencyKind.ACPC))
        .order_by(Area.code)
    )
    if code is not None:
        statement = statement.where(Area.code == code.upper())
    areas = list(db.session().exec(statement).all())
    if code is not None and not areas:
        raise ReportError(f"No area with an ACPC has the code {code.upper()}")
    return areas


def filename(area: Area, week: IsoWeek | str) -> str:
    return f"acpc-escalation-report-{area.code.lower()}-{week}.pdf"


def produce_week(week: IsoWeek, now: datetime, *, area_code: str | None = None, force=False):
    """Produce each area's report for the week, unless stored already (or `force`).

    Each report is emailed to the area's ACPC members through the outbox, in the same
    transaction that stores it.
    """
    produced = []
    for area in dao_acpc_areas(area_code):
        existing = (
            db.session()
            .exec(
                select(EscalationReport).where(
                    EscalationReport.area_id == area.id, EscalationReport.week == str(week)
                )
            )
            .first()
        )
        if existing is not None and not force:
            produced.append(Produced(existing, area, created=False))
            continue
        data = gather(area, week, now)
        rendered = render_weekly_report(data)
        report = existing or EscalationReport(area_id=area.id, week=str(week))
        report.generated_at = now
        report.pdf = rendered.pdf
        report.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        report.page_count = rendered.page_count
        report.size_bytes = len(rendered.pdf)
        report.escalations_raised = data.raised_total
        db.session().add(report)
        db.session().flush()
        _email_to_acpc(area, report, week)
        audit.record(
            "escalation_report_produced", object_type="escalation_report", object_id=report.id
        )
        produced.append(Produced(report, area, created=True))
    return produced


def _email_to_acpc(area: Area, report: EscalationReport, week: IsoWeek) -> None:
    members = (
        db.session()
        .exec(
            select(User.email)
            .join(Agency, Agency.id == User.agency_id)
            .where(
                Agency.area_id == area.id,
                Agency.kind == AgencyKind.ACPC,
                User.role == Role.ACPC_MEMBER,
                User.active.is_(True),
            )
            .order_by(User.email)
        )
        .all()
    )
    base_url = current_app.config["BASE_URL"].rstrip("/")
    for email in members:
        queue_email(
            email,
            f"ACPC escalation report for {area.name}, week {week}",
            (
                f"The weekly escalation report for {area.name} for {week} "
                f"({week.monday:%d %B} to {week.sunday:%d %B %Y}) is attached.\n\n"
                f"It is OFFICIAL-SENSITIVE. Store it only where your ACPC keeps safeguarding "
                f"records. The archive of reports is at {base_url}/acpc/reports\n"
            ),
            cause_type="escalation_report",
            cause_id=report.id,
            attachments=[(filename(area, week), "application/pdf", report.pdf)],
        )


def dao_reports_for_area(area_id: int) -> list[EscalationReport]:
    """The archive, newest week first, without loading the PDF bytes."""
    return list(
        db.session().exec(
            select(EscalationReport)
            .options(defer(EscalationReport.pdf))
            .where(EscalationReport.area_id == area_id)
            .order_by(EscalationReport.week.desc())
        )
    )
