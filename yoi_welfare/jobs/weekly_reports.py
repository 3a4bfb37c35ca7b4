"""The weekly ACPC reports: Monday 07:00 UK time, for the week that has just ended.

The scheduler also runs this job when it starts, so a Monday missed while it was down is
produced when it returns; a week already stored is never produced again.
"""

from datetime import datetime

from yoi_welfare.dates import utcnow
from yoi_welfare.reports.services import produce_week
from yoi_welfare.reports.weeks import IsoWeek


def run(now: datetime | None = None) -> str:
    now = now or utcnow()
    week = IsoWeek.previous_to(now)
    produced = produce_week(week, now)
    created = sum(1 for p in produced if p.created)
    return f"{week}: {created} reports produced, {len(produced) - created} already stored"
