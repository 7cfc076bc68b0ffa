"""Duties become dated occurrences: pure functions of the schedule, the year and the meetings."""

from __future__ import annotations

import calendar as monthcal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

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
    # Keys among owners and counterparts that name partners (Cabinet, the Leader), not boards.
    partners: tuple[str, ...] = ()

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
    note: str = field(default="", compare=False)  # what triggered it, in the trigger's words


def duty_specs(protocol: Protocol) -> list[DutySpec]:
    partners = set(protocol.partner_keys)
    specs = []
    for d in protocol.duties:
        owners = protocol.owners_of(d)
        named = [key for key in (*owners, *d.counterparts) if key in partners]
        specs.append(
            DutySpec(
                d.id,
                "duty",
                d.title,
                tuple(owners),
                tuple(d.counterparts),
                d.evidence,
                d.clause,
                d.schedule,
                partners=tuple(dict.fromkeys(named)),
            )
        )
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


Window = tuple[date, date, str]  # opens, closes, label


def _windows(schedule: Schedule, fy: int, start_month: int) -> list[Window]:
    """(opens, closes, label) of each window or period of financial year `fy`."""
    if schedule.windows:
        return [_month_window(w.opens, w.closes, fy, start_month) for w in schedule.windows]
    if schedule.every == "year" and schedule.month:
        year = _calendar_year(fy, schedule.month, start_month)
        label = f"{MONTH_ABBR[schedule.month]} {year} ({calendar.year_label(fy)})"
        return [(date(year, schedule.month, 1), _month_end(year, schedule.month), label)]
    return _periods(schedule, fy, start_month)


def _month_window(opens: int, closes: int, fy: int, start_month: int) -> Window:
    open_year = _calendar_year(fy, opens, start_month)
    close_year = open_year + (1 if closes < opens else 0)
    first, last = MONTH_ABBR[opens], MONTH_ABBR[closes]
    label = f"{first}–{last} {close_year}"
    if close_year != open_year:
        label = f"{first} {open_year}–{last} {close_year}"
    return (date(open_year, opens, 1), _month_end(close_year, closes), label)


def _periods(schedule: Schedule, fy: int, start_month: int) -> list[Window]:
    """The periods of an `every` cadence that overlap financial year `fy`.

    Periods start on the anchor (`from`, else the start of the financial year) and repeat; each
    ends the day before the next begins. Without an anchor a period divides the year, so every
    year's start is an equally good anchor and the periods are those of the financial year."""
    months = schedule.every_months or 12
    year_start = date(fy, start_month, 1)
    year_end = year_start + relativedelta(years=1, days=-1)
    anchor = schedule.anchor or year_start
    behind = (year_start.year - anchor.year) * 12 + year_start.month - anchor.month
    first = behind // months - 1
    if schedule.anchor is not None:
        first = max(first, 0)  # nothing is owed before the date the protocol counts from
    found = []
    for index in range(first, first + 12 // min(months, 12) + 3):
        opens = anchor + relativedelta(months=index * months)
        closes = anchor + relativedelta(months=(index + 1) * months) - timedelta(days=1)
        if opens > year_end:
            break
        if closes >= year_start:
            found.append((opens, closes, _period_label(schedule, index, fy, opens, closes)))
    return found


def _period_label(schedule: Schedule, index: int, fy: int, opens: date, closes: date) -> str:
    """Q1 2026/27, H2 2026/27 and 2026/27 as always; other periods by their dates."""
    months = schedule.every_months
    if schedule.anchor is None and months in (3, 6, 12):
        prefix = {3: f"Q{index + 1} ", 6: f"H{index + 1} ", 12: ""}[months]
        return f"{prefix}{calendar.year_label(fy)}"
    if opens.day == 1 and closes == _month_end(closes.year, closes.month):
        first, last = MONTH_ABBR[opens.month], MONTH_ABBR[closes.month]
        if (opens.year, opens.month) == (closes.year, closes.month):
            return f"{first} {opens.year}"
        if opens.year == closes.year:
            return f"{first}–{last} {closes.year}"
        return f"{first} {opens.year}–{last} {closes.year}"
    return f"{calendar.short_date(opens)}–{calendar.short_date(closes)}"


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
    if schedule.on_demand or schedule.triggered:
        return []  # on demand: recorded, never dated; triggered: see triggered_occurrence
    if schedule.after_meetings:
        return _after_meetings(duty, meetings)
    found: dict[str, Occurrence] = {}
    for fy in years:
        for opens, closes, label in _windows(schedule, fy, start_month):
            due = calendar.on_or_before(closes) if close_on_working_day else closes
            # The opening day keys the period: the same period from any year is one occurrence.
            found.setdefault(
                opens.isoformat(), Occurrence(duty, opens.isoformat(), label, opens, closes, due)
            )
    return list(found.values())


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
        found.append(Occurrence(duty, after_meeting(meeting.key), label, held, due, due, meeting))
    return found


def after_meeting(meeting_key: str) -> str:
    """The period key of what is owed after one meeting (its minutes, say)."""
    return f"meeting:{meeting_key}"


@dataclass(frozen=True)
class Trigger:
    """What opens an occurrence of a triggered duty.

    Someone triggers it on `day` (the `sequence`-th time that day, counting from 1), or, for a
    duty triggered `by` another, an occurrence of that duty is marked done: `source` is a stable
    reference to that occurrence (its id in the database), so marking it done twice opens one."""

    day: date
    note: str = ""
    sequence: int = 1
    source: str | None = None

    @classmethod
    def at(cls, moment: datetime, note: str = "", sequence: int = 1) -> Trigger:
        """A trigger at an instant: its day is the London date of that instant."""
        return cls(calendar.london_date(moment), note, sequence)

    @property
    def period_key(self) -> str:
        """Unique per trigger and at most 40 characters, as occurrence rows are keyed."""
        if self.source is not None:
            return f"triggered:by:{self.source}"
        return f"triggered:{self.day.isoformat()}:{self.sequence}"


def triggered_occurrence(duty: DutySpec, trigger: Trigger) -> Occurrence:
    """The occurrence a trigger opens: from the trigger's day, due N working days later."""
    rule = duty.schedule.triggered
    if rule is None:
        raise ValueError(f"{duty.key} is not a triggered duty")
    due = calendar.add_working_days(trigger.day, rule.within_working_days)
    label = f"triggered {calendar.short_date(trigger.day)}"
    return Occurrence(
        duty, trigger.period_key, label, trigger.day, due, due, note=trigger.note.strip()
    )


def opened_by(specs: Iterable[DutySpec], done: str) -> list[DutySpec]:
    """The duties that an occurrence of duty `done` being marked done triggers."""
    return [
        spec
        for spec in specs
        if spec.schedule.triggered is not None and spec.schedule.triggered.by == done
    ]
