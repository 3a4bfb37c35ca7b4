"""Time in one place: the UK zone, the current instant, today in the UK, dates as people read them.

Instants are aware UTC everywhere (in the database too); a day is a UK calendar day, because the
people who use the service, the deadlines and the reports all live by UK time. Plain functions,
no Flask or database: services, forms, jobs and templates all take their dates from here.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "LONDON",
    "format_date",
    "format_datetime",
    "format_due",
    "london_instant",
    "london_today",
    "uk_date",
    "utcnow",
]

LONDON = ZoneInfo("Europe/London")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def utcnow() -> datetime:
    """The current instant, aware UTC: the one place the service reads the wall clock."""
    return datetime.now(UTC)


def uk_date(instant: datetime) -> date:
    """The UK calendar day an instant falls on (after 11pm UTC in summer, the next day)."""
    return instant.astimezone(LONDON).date()


def london_today(now: datetime | None = None) -> date:
    """Today in the UK, as of ``now`` (the current instant if not given)."""
    return uk_date(now or utcnow())


def london_instant(on: date, at: time) -> datetime:
    """A UK wall-clock date and time as an aware UTC instant."""
    return datetime.combine(on, at, tzinfo=LONDON).astimezone(UTC)


def _day(value: date) -> str:
    """25 November 2026: English month names whatever the locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_date(value: date | datetime | None) -> str:
    """GOV.UK style: 25 November 2026, in UK time."""
    if value is None:
        return ""
    return _day(uk_date(value) if isinstance(value, datetime) else value)


def format_datetime(value: datetime | None) -> str:
    """GOV.UK style: 25 November 2026 at 2:30pm, in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    minutes = "" if local.minute == 0 else f":{local.minute:02d}"
    suffix = "am" if local.hour < 12 else "pm"
    return f"{_day(local)} at {hour}{minutes}{suffix}"


def format_due(value: datetime, now: datetime) -> str:
    """When something is due, as a person says it: 3:30pm today, 9am tomorrow, or the date."""
    day, today = uk_date(value), uk_date(now)
    when = format_datetime(value)
    if day == today:
        return when.split(" at ", 1)[1] + " today"
    if day == today + timedelta(days=1):
        return when.split(" at ", 1)[1] + " tomorrow"
    return when
