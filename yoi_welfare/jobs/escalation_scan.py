"""The escalation scan, every 15 minutes."""

from datetime import datetime

from yoi_welfare.dates import utcnow
from yoi_welfare.escalations.services import ScanResult, scan


def run(now: datetime | None = None) -> ScanResult:
    return scan(now or utcnow())
