"""The weekly digest: what a partnership's boards owe, meet about and escalate this week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from schedules import calendar, ladders
from schedules.calendar import long_date
from schedules.feeds.subscriptions import failing, failure_line
from schedules.meeting_times import short_when
from storage.models import Duty, DutyOccurrence, Partnership
from storage.queries.agenda import open_requests
from storage.queries.boards import keys_by_id
from storage.queries.escalations import open_escalations, stage_starts
from storage.queries.meetings import between, without_minutes
from storage.queries.occurrences import due_between, opening_between, overdue
from storage.queries.outbox import failed_since

MAX_ITEMS = 15  # per section, for reading (bot/render.py keeps a message within Slack's limits)


class DigestSection(BaseModel):
    """A section as the outbox keeps it (the digest's payload)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    title: str
    items: list[str] = Field(default_factory=list)
    more: int = 0


class DigestPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    partnership: str
    week_of: date
    sections: list[DigestSection] = Field(default_factory=list)


@dataclass
class Section:
    title: str
    items: list[str] = field(default_factory=list)
    more: int = 0

    def add(self, item: str) -> None:
        if len(self.items) < MAX_ITEMS:
            self.items.append(item)
        else:
            self.more += 1


@dataclass
class Digest:
    partnership: str
    week_of: date
    sections: list[Section]

    def as_payload(self) -> DigestPayload:
        sections = [DigestSection(title=s.title, items=s.items, more=s.more) for s in self.sections]
        return DigestPayload(partnership=self.partnership, week_of=self.week_of, sections=sections)

    def text(self) -> str:
        lines = [f"Weekly digest: {self.partnership}, week of {long_date(self.week_of)}"]
        for section in self.sections:
            lines.append(f"\n{section.title}")
            lines += [f"  - {item}" for item in section.items] or ["  (none)"]
            if section.more:
                lines.append(f"  … and {section.more} more")
        return "\n".join(lines)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_digest(partnership: Partnership, now: datetime, *, session: Session) -> Digest:
    assert partnership.id is not None
    today = calendar.london_date(now)
    monday = week_start(today)
    sunday = monday + timedelta(days=6)
    pid = partnership.id
    keys = {i: key.upper() for i, key in keys_by_id(pid, session=session).items()}
    opening = opening_between(pid, monday, sunday, session=session)
    closing = due_between(pid, monday, sunday, session=session)
    sections = [
        _windows("Windows opening this week", opening),
        _windows("Windows closing this week", closing),
        _overdue(pid, today, partnership.started_on, session),
        _meetings(monday, sunday, keys, session),
        _agenda(pid, keys, session),
        _escalations(pid, today, keys, session),
        _minutes(today, keys, session),
        _failed(pid, now, session),
        _feeds(pid, session),
    ]
    return Digest(partnership.name, monday, sections)


def _windows(title: str, found: list[tuple[DutyOccurrence, Duty]]) -> Section:
    section = Section(title)
    for occ, duty in found:
        section.add(
            f"#{occ.id} {duty.title} ({occ.label}), due {long_date(occ.due)} [{occ.status}]"
        )
    return section


def _overdue(pid: int, today: date, started: date | None, session: Session) -> Section:
    """Overdue since the partnership started using boardbot: what closed before is not."""
    section = Section("Overdue duties")
    found, total = overdue(pid, today, session=session, limit=MAX_ITEMS, since=started)
    for occ, duty in found:
        days = calendar.working_days_between(occ.due, today)
        section.add(f"#{occ.id} {duty.title} ({occ.label}), {days} working days overdue")
    section.more = total - len(section.items)
    return section


def _meetings(first: date, last: date, keys: dict[int, str], session: Session) -> Section:
    section = Section("Meetings this week")
    start = calendar.at_local_time(first, datetime.min.time())
    end = calendar.at_local_time(last + timedelta(days=1), datetime.min.time())
    for meeting in between(list(keys), start, end, session=session):
        venue = f", {meeting.venue}" if meeting.venue else ""
        section.add(f"{keys[meeting.board_id]} {short_when(meeting)}{venue}")
    return section


def _agenda(pid: int, keys: dict[int, str], session: Session) -> Section:
    section = Section("Open agenda requests")
    for request in open_requests(pid, session=session):
        asked = calendar.london_date(request.requested_at)
        section.add(
            f"#{request.id} {keys.get(request.from_board_id, '?')} → "
            f"{keys.get(request.to_board_id, '?')}: {request.text} (asked {long_date(asked)})"
        )
    return section


def _escalations(pid: int, today: date, keys: dict[int, str], session: Session) -> Section:
    section = Section("Open escalations")
    rows = open_escalations(pid, session=session)
    started = stage_starts([e.id for e, _ in rows if e.id is not None], session=session)
    for escalation, ladder in rows:
        since = started.get(escalation.id or 0, escalation.opened_at)
        waiting = calendar.working_days_between(calendar.london_date(since), today)
        late = " (past its deadline)" if escalation.stage_deadline < today else ""
        section.add(
            f"#{escalation.id} {keys.get(escalation.from_board_id, '?')} → "
            f"{keys.get(escalation.to_board_id, '?')}: "
            f"stage {ladders.stage_label(escalation, ladder)}, "
            f"waiting {waiting} working days at this stage{late}"
        )
    return section


def _minutes(today: date, keys: dict[int, str], session: Session) -> Section:
    """Meetings of the last eight weeks with no minutes logged as shared."""
    section = Section("Minutes not yet shared")
    since = calendar.at_local_time(today - timedelta(weeks=8), datetime.min.time())
    until = calendar.at_local_time(today, datetime.min.time())
    for meeting in without_minutes(list(keys), since, until, session=session):
        held = calendar.london_date(meeting.starts_at)
        section.add(f"{keys[meeting.board_id]} meeting of {long_date(held)}")
    return section


def _failed(pid: int, now: datetime, session: Session) -> Section:
    section = Section("Prompts that could not be sent")
    for row in failed_since(pid, now - timedelta(days=14), session=session):
        section.add(f"{row.kind} for {row.recipient_label}: {row.last_error}")
    return section


def _feeds(pid: int, session: Session) -> Section:
    """Boards' calendar feeds that failed three reads or more in a row."""
    section = Section("Calendar feeds that cannot be read")
    for board, subscription in failing(session=session, partnership_id=pid):
        section.add(failure_line(board, subscription))
    return section
