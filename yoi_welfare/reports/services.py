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
from yoi_welfare.dates import uk_date
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.agreements import dao_is_party, party_to_agreement_clause
from yoi_welfare.governance.disclosures import Leaving, recipient_of, record_disclosures
from yoi_welfare.governance.models import DisclosureChannel
from yoi_welfare.outbox.services import queue_email
from yoi_welfare.paging import Page, paginate
from yoi_welfare.reports.data import ReportData, gather
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
        report.child_ids = named_children(data)
        db.session().add(report)
        db.session().flush()
        _email_to_acpc(area, report, week, now)
        audit.record(
            "escalation_report_produced",
            user=None,
            object_type="escalation_report",
            object_id=report.id,
        )
        produced.append(Produced(report, area, created=True))
    return produced


def named_children(data: ReportData) -> list[int]:
    """Every child the report names, in the list of children in custody or of escalations."""
    ids = {line.child.id for _owner, lines in data.by_owner for line in lines}
    ids |= {row.child.id for group in data.in_custody for row in group.named}
    return sorted(ids)


def _email_to_acpc(area: Area, report: EscalationReport, week: IsoWeek, now: datetime) -> None:
    """Email the report to the area's ACPC members, while their ACPC is a party to an agreement
    in force for the area: a report names the area's children, as their pages do."""
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
                party_to_agreement_clause(Agency.id, area.id, uk_date(now)),
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
    record_disclosures(
        (Leaving(child_id, email) for email in members for child_id in report.child_ids),
        channel=DisclosureChannel.WEEKLY_REPORT,
        purpose=f"Weekly ACPC escalation report for {area.name}, {week}",
        at=now,
        object_type="escalation_report",
        object_id=report.id,
    )


def may_download(agency: Agency, area_id: int, at: datetime) -> bool:
    """Whether the agency's members may take the area's reports away now: only while it is a
    party to an agreement in force for the area, as for the children's pages."""
    return dao_is_party(agency.id, area_id, uk_date(at))


def record_download(report: EscalationReport, area: Area, user: User, agency: Agency, at) -> None:
    """A copy of the report leaves with the user who downloads it: a disclosure of each child."""
    audit.record(
        "escalation_report_downloaded",
        user=user,
        object_type="escalation_report",
        object_id=report.id,
    )
    recipient = recipient_of(user, agency.name)
    record_disclosures(
        (Leaving(child_id, recipient) for child_id in report.child_ids),
        channel=DisclosureChannel.DOWNLOAD,
        purpose=f"Weekly ACPC escalation report for {area.name}, {report.week}, downloaded",
        at=at,
        by=user,
        object_type="escalation_report",
        object_id=report.id,
    )


def dao_reports_for_area(area_id: int, page: int, per_page: int) -> Page:
    """A page of the archive, newest week first, without loading the PDF bytes."""
    statement = (
        select(EscalationReport)
        .options(defer(EscalationReport.pdf))
        .where(EscalationReport.area_id == area_id)
        .order_by(EscalationReport.week.desc())
    )
    return paginate(statement, page, per_page)
