"""A partnership's year, written 2026/27: from the first of its start month to the day before
the same date a year later (1 April 2026 to 31 March 2027 for the usual April start)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from schedules import calendar
from storage.errors import BoardbotError

YEAR_PATTERN = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")
FIRST_YEAR, LAST_YEAR = 2000, 2098


@dataclass(frozen=True)
class PackYear:
    start: int  # the calendar year in which the partnership's year starts: 2026 for 2026/27
    start_month: int = 4

    @property
    def label(self) -> str:
        return calendar.year_label(self.start)

    @cached_property
    def first(self) -> date:
        return date(self.start, self.start_month, 1)

    @cached_property
    def last(self) -> date:
        return date(self.start + 1, self.start_month, 1) - timedelta(days=1)

    @cached_property
    def begins_at(self) -> datetime:
        """Midnight in London at the start of the first day, as UTC."""
        return calendar.at_local_time(self.first, time(0))

    @cached_property
    def ends_at(self) -> datetime:
        """Midnight in London after the last day, as UTC (exclusive)."""
        return calendar.at_local_time(self.last + timedelta(days=1), time(0))

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    def span_text(self) -> str:
        return f"{calendar.long_date(self.first)} to {calendar.long_date(self.last)}"


def year_start(text: str) -> int:
    """The start of a year written 2026/27 (or 2026/2027); anything else is refused."""
    match = YEAR_PATTERN.match(text.strip())
    start = int(match.group(1)) if match else 0
    if match and FIRST_YEAR <= start <= LAST_YEAR:
        after = int(match.group(2))
        if after == (start + 1) % 100 or after == start + 1:
            return start
    raise BoardbotError(
        f"'{text}' is not a year; write it as 2026/27 (the year that starts in 2026), "
        f"from {calendar.year_label(FIRST_YEAR)} to {calendar.year_label(LAST_YEAR)}"
    )


def current_start(moment: datetime, start_month: int) -> int:
    """The start of the year that holds `moment` (London day)."""
    return calendar.financial_year(calendar.london_date(moment), start_month)
