"""The ACPC's archive of weekly reports, and downloads of them."""

from dataclasses import replace

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Permission, deny, permission_required, user_agency
from yoi_welfare.agencies.models import Area
from yoi_welfare.dates import utcnow
from yoi_welfare.reports.models import EscalationReport
from yoi_welfare.reports.services import (
    dao_reports_for_area,
    filename,
    may_download,
    record_download,
)
from yoi_welfare.reports.weeks import IsoWeek
from yoi_welfare.view_helpers import file_download, page_number

bp = Blueprint("reports", __name__)


@bp.get("/acpc/reports")
@permission_required(Permission.VIEW_ACPC_REPORTS)
def archive():
    agency = user_agency()
    area = db.session().get(Area, agency.area_id)
    page, per_page = page_number(), current_app.config["PAGE_SIZE"]
    reports = dao_reports_for_area(agency.area_id, page, per_page)
    return render_template(
        "reports/archive.html",
        area=area,
        may_download=may_download(agency, agency.area_id, utcnow()),
        reports=replace(
            reports, items=[(report, IsoWeek.parse(report.week)) for report in reports.items]
        ),
    )


@bp.get("/acpc/reports/<int:report_id>/download")
@permission_required(Permission.VIEW_ACPC_REPORTS)
def download(report_id: int):
    report = (
        db.session()
        .exec(
            select(EscalationReport).where(
                EscalationReport.id == report_id,
                EscalationReport.area_id == user_agency().area_id,
            )
        )
        .first()
    )
    now = utcnow()
    if report is None or not may_download(user_agency(), report.area_id, now):
        deny(object_type="escalation_report", object_id=report_id)
    area = db.session().get(Area, report.area_id)
    record_download(report, area, current_user, user_agency(), now)
    return file_download(report.pdf, "application/pdf", filename(area, report.week))
