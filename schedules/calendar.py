"""Working days in England (weekends and bank holidays) and the financial year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The one source of 'now': an aware UTC datetime. Everything else receives it."""
    return datetime.now(UTC)


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def at_local_time(day: date, clock: time) -> datetime:
    """`clock` on `day` in London, as UTC: 09:00 stays 09:00 across the clock changes."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """Move `count` working days forward (or back, when negative) from `day`."""
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def long_date(day: date) -> str:
    """30 November 2026."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """30 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def financial_year(day: date, start_month: int = 4) -> int:
    """The calendar year in which `day`'s financial year starts (2026 for 2026/27)."""
    return day.year if day.month >= start_month else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"
