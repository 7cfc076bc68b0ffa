"""The weekly digest: what a partnership's boards owe, meet about and escalate this week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from schedules import calendar
from schedules.calendar import long_date
from schedules.feeds.subscriptions import failing, failure_line
from schedules.meeting_times import short_when
from storage.models import (
    AgendaRequest,
    Board,
    Duty,
    DutyOccurrence,
    Escalation,
    EscalationStep,
    Ladder,
    Meeting,
    MinuteShare,
    Notification,
    Partnership,
)
from storage.status import (
    AgendaStatus,
    EscalationStatus,
    MeetingStatus,
    OccurrenceStatus,
    PromptStatus,
)

MAX_ITEMS = 15  # per section; the digest must stay within Slack's 50 blocks


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

    def as_payload(self) -> dict[str, Any]:
        return {
            "partnership": self.partnership,
            "week_of": self.week_of.isoformat(),
            "sections": [
                {"title": s.title, "items": s.items, "more": s.more} for s in self.sections
            ],
        }

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
    keys = {
        b.id: b.key.upper() for b in session.exec(select(Board).where(Board.partnership_id == pid))
    }
    sections = [
        _windows(pid, "Windows opening this week", DutyOccurrence.opens, monday, sunday, session),
        _windows(pid, "Windows closing this week", DutyOccurrence.due, monday, sunday, session),
        _overdue(pid, today, session),
        _meetings(pid, monday, sunday, keys, session),
        _agenda(pid, keys, session),
        _escalations(pid, today, keys, session),
        _minutes(pid, today, keys, session),
        _failed(pid, now, session),
        _feeds(pid, session),
    ]
    return Digest(partnership.name, monday, sections)


def _occurrences(pid: int, *conditions: Any) -> Any:
    return (
        select(DutyOccurrence, Duty)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(Duty.partnership_id == pid, col(Duty.retired_at).is_(None), *conditions)
        .order_by(col(DutyOccurrence.due), col(DutyOccurrence.id))
    )


def _windows(
    pid: int, title: str, column: Any, first: date, last: date, session: Session
) -> Section:
    section = Section(title)
    query = _occurrences(pid, col(column) >= first, col(column) <= last)
    for occ, duty in session.exec(query):
        section.add(
            f"#{occ.id} {duty.title} ({occ.label}), due {long_date(occ.due)} [{occ.status}]"
        )
    return section


def _overdue(pid: int, today: date, session: Session) -> Section:
    section = Section("Overdue duties")
    overdue = _occurrences(
        pid, DutyOccurrence.status == OccurrenceStatus.PENDING, col(DutyOccurrence.due) < today
    )
    for occ, duty in session.exec(overdue.limit(MAX_ITEMS)):
        days = calendar.working_days_between(occ.due, today)
        section.add(f"#{occ.id} {duty.title} ({occ.label}), {days} working days overdue")
    if len(section.items) == MAX_ITEMS:
        total = session.exec(select(func.count()).select_from(overdue.subquery())).one()
        section.more = int(total) - MAX_ITEMS
    return section


def _meetings(pid: int, first: date, last: date, keys: dict[Any, str], session: Session) -> Section:
    section = Section("Meetings this week")
    start = calendar.at_local_time(first, datetime.min.time())
    end = calendar.at_local_time(last + timedelta(days=1), datetime.min.time())
    query = (
        select(Meeting)
        .where(
            col(Meeting.board_id).in_(list(keys)),
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
        .order_by(col(Meeting.starts_at))
    )
    for meeting in session.exec(query):
        venue = f", {meeting.venue}" if meeting.venue else ""
        section.add(f"{keys[meeting.board_id]} {short_when(meeting)}{venue}")
    return section


def _agenda(pid: int, keys: dict[Any, str], session: Session) -> Section:
    section = Section("Open agenda requests")
    query = (
        select(AgendaRequest)
        .where(AgendaRequest.partnership_id == pid, AgendaRequest.status == AgendaStatus.OPEN)
        .order_by(col(AgendaRequest.requested_at))
    )
    for request in session.exec(query):
        asked = calendar.london_date(request.requested_at)
        section.add(
            f"#{request.id} {keys.get(request.from_board_id, '?')} → "
            f"{keys.get(request.to_board_id, '?')}: {request.text} (asked {long_date(asked)})"
        )
    return section


def _escalations(pid: int, today: date, keys: dict[Any, str], session: Session) -> Section:
    section = Section("Open escalations")
    query = (
        select(Escalation, Ladder)
        .join(Ladder, col(Ladder.id) == col(Escalation.ladder_id))
        .where(Escalation.partnership_id == pid, Escalation.status == EscalationStatus.OPEN)
        .order_by(col(Escalation.opened_at))
    )
    rows = list(session.exec(query))
    started = stage_starts([e.id for e, _ in rows if e.id is not None], session)
    for escalation, ladder in rows:
        stage = ladder.stages[min(escalation.stage, len(ladder.stages)) - 1]
        since = started.get(escalation.id, escalation.opened_at)
        waiting = calendar.working_days_between(calendar.london_date(since), today)
        late = " (past its deadline)" if escalation.stage_deadline < today else ""
        section.add(
            f"#{escalation.id} {keys.get(escalation.from_board_id, '?')} → "
            f"{keys.get(escalation.to_board_id, '?')}: "
            f"stage {escalation.stage}/{len(ladder.stages)} {stage['name']}, "
            f"waiting {waiting} working days at this stage{late}"
        )
    return section


def stage_starts(ids: list[int], session: Session) -> dict[int | None, datetime]:
    """When each escalation reached its current stage: its latest 'opened' or 'advanced' step."""
    if not ids:
        return {}
    query = (
        select(EscalationStep.escalation_id, func.max(EscalationStep.at))
        .where(
            col(EscalationStep.escalation_id).in_(ids),
            col(EscalationStep.action).in_(("opened", "advanced")),
        )
        .group_by(col(EscalationStep.escalation_id))
    )
    return {escalation_id: at for escalation_id, at in session.exec(query)}


def _minutes(pid: int, today: date, keys: dict[Any, str], session: Session) -> Section:
    """Meetings of the last eight weeks with no minutes logged as shared."""
    section = Section("Minutes not yet shared")
    since = calendar.at_local_time(today - timedelta(weeks=8), datetime.min.time())
    until = calendar.at_local_time(today, datetime.min.time())
    shared = select(MinuteShare.meeting_id).where(col(MinuteShare.meeting_id).is_not(None))
    query = (
        select(Meeting)
        .where(
            col(Meeting.board_id).in_(list(keys)),
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) >= since,
            col(Meeting.starts_at) < until,
            col(Meeting.id).not_in(shared),
        )
        .order_by(col(Meeting.starts_at))
    )
    for meeting in session.exec(query):
        held = calendar.london_date(meeting.starts_at)
        section.add(f"{keys[meeting.board_id]} meeting of {long_date(held)}")
    return section


def _failed(pid: int, now: datetime, session: Session) -> Section:
    section = Section("Prompts that could not be sent")
    query = (
        select(Notification)
        .where(
            Notification.partnership_id == pid,
            Notification.status == PromptStatus.FAILED,
            col(Notification.created_at) >= now - timedelta(days=14),
        )
        .order_by(col(Notification.created_at))
    )
    for row in session.exec(query):
        section.add(f"{row.kind} for {row.recipient_label}: {row.last_error}")
    return section


def _feeds(pid: int, session: Session) -> Section:
    """Boards' calendar feeds that failed three reads or more in a row."""
    section = Section("Calendar feeds that cannot be read")
    for board, subscription in failing(session=session, partnership_id=pid):
        section.add(failure_line(board, subscription))
    return section
