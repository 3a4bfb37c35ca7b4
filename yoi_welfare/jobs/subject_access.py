"""Subject access exports, every minute: produce those an administrator has asked for."""

from datetime import datetime

from yoi_welfare.dates import utcnow
from yoi_welfare.governance.subject_access import produce_pending


def run(now: datetime | None = None) -> str:
    return f"{produce_pending(now or utcnow())} subject access exports produced"
