"""The continuity packs: every evening at 18:00 UK time, one per establishment.

The scheduler also runs this job when it starts: an evening missed while it was down is
produced then, as of then; an evening already stored is not produced again.
"""

from datetime import datetime

from yoi_welfare.continuity.services import produce_evening
from yoi_welfare.dates import utcnow


def run(now: datetime | None = None) -> str:
    produced = produce_evening(now or utcnow())
    created = sum(1 for item in produced if item.created)
    return f"{created} continuity packs produced, {len(produced) - created} already stored"
