"""ISO weeks as the report uses them: Monday 00:00 to the next Monday 00:00, UK time."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from yoi_welfare.dates import LONDON

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """'2026-W47'; ValueError with a message naming the expected form otherwise."""
        match = WEEK_PATTERN.match(text.strip().upper())
        if not match:
            raise ValueError(f"{text!r} is not an ISO week; use the form 2026-W47")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> "IsoWeek":
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def previous_to(cls, instant: datetime) -> "IsoWeek":
        """The last complete week before this instant, in UK time."""
        return cls.containing(instant.astimezone(LONDON).date() - timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.monday, time(0), tzinfo=LONDON).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=LONDON).astimezone(
            UTC
        )

    def minus(self, weeks: int) -> "IsoWeek":
        return IsoWeek.containing(self.monday - timedelta(weeks=weeks))
