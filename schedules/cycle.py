"""Duties become dated occurrences: pure functions of the schedule, the year and the meetings."""

from __future__ import annotations

import calendar as monthcal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from schedules import calendar
from schedules.protocol.model import Protocol, Schedule

MONTH_ABBR = monthcal.month_abbr


@dataclass(frozen=True)
class DutySpec:
    """What the engine needs of a duty or joint meeting, from a protocol file or the database."""

    key: str
    kind: str  # duty | joint_meeting
    title: str
    owners: tuple[str, ...]
    counterparts: tuple[str, ...]
    evidence: str
    clause: str
    schedule: Schedule
    attendee_roles: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The duty's fields as stored and as `protocols show --json` prints them."""
        return {
            "kind": self.kind,
            "title": self.title,
            "owners": list(self.owners),
            "counterparts": list(self.counterparts),
            "evidence": self.evidence,
            "clause": self.clause,
            "schedule": self.schedule.model_dump(mode="json", exclude_defaults=True),
            "attendee_roles": list(self.attendee_roles),
        }


@dataclass(frozen=True)
class MeetingRef:
    """A board meeting that after_meetings duties hang off."""

    key: str
    board: str
    starts_at: datetime


@dataclass(frozen=True)
class Occurrence:
    duty: DutySpec
    period_key: str
    label: str
    opens: date
    closes: date  # the calendar window's last day
    due: date  # closes, moved back to a working day when the protocol says so
    meeting: MeetingRef | None = field(default=None, compare=False)


def duty_specs(protocol: Protocol) -> list[DutySpec]:
    specs = [
        DutySpec(
            d.id,
            "duty",
            d.title,
            tuple(d.owners),
            tuple(d.counterparts),
            d.evidence,
            d.clause,
            d.schedule,
        )
        for d in protocol.duties
    ]
    specs += [
        DutySpec(
            m.id,
            "joint_meeting",
            m.title,
            tuple(protocol.attendee_boards(m)),
            (),
            m.evidence,
            m.clause,
            m.schedule,
            tuple(m.attendees.roles),
        )
        for m in protocol.joint_meetings
    ]
    return specs


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthcal.monthrange(year, month)[1])


def _calendar_year(fy: int, month: int, start_month: int) -> int:
    return fy if month >= start_month else fy + 1


def _windows(schedule: Schedule, fy: int, start_month: int) -> list[tuple[date, date, str]]:
    """(opens, closes, label) of each window in financial year `fy`."""
    if schedule.windows:
        result = []
        for window in schedule.windows:
            open_year = _calendar_year(fy, window.opens, start_month)
            close_year = open_year + (1 if window.closes < window.opens else 0)
            first, last = MONTH_ABBR[window.opens], MONTH_ABBR[window.closes]
            label = f"{first}–{last} {close_year}"
            if close_year != open_year:
                label = f"{first} {open_year}–{last} {close_year}"
            result.append(
                (date(open_year, window.opens, 1), _month_end(close_year, window.closes), label)
            )
        return result
    if schedule.every == "year" and schedule.month:
        year = _calendar_year(fy, schedule.month, start_month)
        label = f"{MONTH_ABBR[schedule.month]} {year} ({calendar.year_label(fy)})"
        return [(date(year, schedule.month, 1), _month_end(year, schedule.month), label)]
    length = {"quarter": 3, "half-year": 6, "year": 12}[schedule.every or "year"]
    result = []
    for index in range(12 // length):
        first_index = start_month + index * length
        last_index = first_index + length - 1
        first_year, first_month = fy + (first_index - 1) // 12, (first_index - 1) % 12 + 1
        last_year, last_month = fy + (last_index - 1) // 12, (last_index - 1) % 12 + 1
        prefix = {3: f"Q{index + 1} ", 6: f"H{index + 1} ", 12: ""}[length]
        result.append(
            (
                date(first_year, first_month, 1),
                _month_end(last_year, last_month),
                f"{prefix}{calendar.year_label(fy)}",
            )
        )
    return result


def occurrences(
    duty: DutySpec,
    years: Iterable[int],
    *,
    start_month: int = 4,
    close_on_working_day: bool = True,
    meetings: Sequence[MeetingRef] = (),
) -> list[Occurrence]:
    """Every occurrence of `duty` in the financial years `years` (or after `meetings`)."""
    schedule = duty.schedule
    if schedule.on_demand:
        return []
    if schedule.after_meetings:
        return _after_meetings(duty, meetings)
    found = []
    for fy in years:
        for opens, closes, label in _windows(schedule, fy, start_month):
            due = calendar.on_or_before(closes) if close_on_working_day else closes
            found.append(Occurrence(duty, opens.isoformat(), label, opens, closes, due))
    return found


def _after_meetings(duty: DutySpec, meetings: Sequence[MeetingRef]) -> list[Occurrence]:
    rule = duty.schedule.after_meetings
    assert rule is not None
    found = []
    for meeting in meetings:
        if meeting.board not in rule.of:
            continue
        held = calendar.london_date(meeting.starts_at)
        due = calendar.add_working_days(held, rule.within_working_days)
        label = f"{meeting.board.upper()} meeting {held:%-d %b %Y}"
        found.append(Occurrence(duty, f"meeting:{meeting.key}", label, held, due, due, meeting))
    return found
