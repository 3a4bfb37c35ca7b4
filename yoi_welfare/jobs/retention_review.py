"""Retention review, on the first of each month: list the children whose records are due.

Lists only: nothing is deleted until an administrator confirms. Safe to run again and after
downtime: a child already listed is not listed twice.
"""

from datetime import datetime

from yoi_welfare.dates import utcnow
from yoi_welfare.governance.retention import list_due


def run(now: datetime | None = None) -> str:
    listed = list_due(now or utcnow())
    return f"{len(listed)} children's records listed for retention review"
