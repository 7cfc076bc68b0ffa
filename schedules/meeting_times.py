"""A meeting's day and time as people read them, in London: an all-day meeting has no time."""

from __future__ import annotations

from datetime import date, datetime, time

from schedules import calendar
from storage.models import Meeting

ALL_DAY = "all day"


def held_on(meeting: Meeting) -> date:
    return calendar.london_date(meeting.starts_at)


def all_day_start(day: date) -> datetime:
    """How an all-day meeting is stored: 00:00 London on its day, in UTC."""
    return calendar.at_local_time(day, time(0, 0))


def when_label(meeting: Meeting) -> str:
    """'Wednesday 3 March 2027, 10:00', or 'Wednesday 3 March 2027, all day'."""
    return moment_label(meeting.starts_at, all_day=meeting.all_day)


def moment_label(moment: datetime, *, all_day: bool) -> str:
    local = moment.astimezone(calendar.LONDON)
    clock = ALL_DAY if all_day else f"{local:%H:%M}"
    return f"{local:%A} {local.day} {local:%B %Y}, {clock}"


def short_when(meeting: Meeting) -> str:
    """'Wed 3 Mar 10:00', or 'Wed 3 Mar, all day'."""
    local = meeting.starts_at.astimezone(calendar.LONDON)
    day = f"{local:%a} {local.day} {local:%b}"
    return f"{day}, {ALL_DAY}" if meeting.all_day else f"{day} {local:%H:%M}"


def clock_label(meeting: Meeting) -> str:
    """'at 10:00', or '(all day)'."""
    if meeting.all_day:
        return f"({ALL_DAY})"
    return f"at {meeting.starts_at.astimezone(calendar.LONDON):%H:%M}"
