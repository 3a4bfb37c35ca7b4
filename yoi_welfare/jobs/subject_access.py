"""Subject access exports, every minute: produce those an administrator has asked for."""

from datetime import UTC, datetime

from yoi_welfare.governance.subject_access import produce_pending


def run(now: datetime | None = None) -> str:
    return f"{produce_pending(now or datetime.now(UTC))} subject access exports produced"
