"""When a child can have been moved into, between or out of custody.

No child under 10 can be held: 10 is the age of criminal responsibility in England and Wales
(Children and Young Persons Act 1933, section 50). A move recorded more than a day after it
happened is late, and the record says why: the deadlines it sets have been running meanwhile.
"""

from datetime import date, datetime, timedelta

MINIMUM_AGE = 10
LATE_AFTER = timedelta(hours=24)
# The threshold in words, for the forms and their errors.
LATE_AFTER_TEXT = f"{LATE_AFTER // timedelta(hours=1)} hours"


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on ``day``; a child born on 29 February is a year older on 1 March."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def recorded_late(happened_at: datetime, recorded_at: datetime) -> bool:
    return recorded_at - happened_at > LATE_AFTER


def birthday(date_of_birth: date, age: int) -> date:
    """The day a child reaches ``age``; 1 March in a common year for a child born on 29 February."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)
