"""The escalation scan, every 15 minutes."""

from datetime import UTC, datetime

from yoi_welfare.escalations.services import ScanResult, scan


def run(now: datetime | None = None) -> ScanResult:
    return scan(now or datetime.now(UTC))
