"""The morning's digest: at 07:00 UK time, one email per user with the notices that could wait.

The scheduler also runs this job when it starts: a digest missed while it was down is sent
then, with only what was noticed before that morning's 07:00; a notice already in a digest is
never sent again.
"""

from datetime import datetime

from yoi_welfare.dates import utcnow
from yoi_welfare.notifications.services import send_digests


def run(now: datetime | None = None) -> str:
    return f"{send_digests(now or utcnow())} digests written"
