"""A partnership's (or one board's) calendar as iCalendar: meetings, duty windows, escalations.

Meetings keep their time in Europe/London (with its VTIMEZONE); cancelled ones stay, marked
STATUS:CANCELLED. Each open duty's window is an all-day event ending on its due date; each open
escalation's stage deadline is an all-day event. UIDs are stable, SEQUENCE rises with every
change, and the same data always gives the same bytes (so the ETag is the body's hash).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedules import calendar, ladders
from schedules.calendar import long_date
from storage.models import (
    Board,
    Partnership,
)
from storage.queries.boards import boards_of, keys_by_id
from storage.queries.escalations import last_changes, open_escalations
from storage.queries.meetings import every_meeting_since
from storage.queries.occurrences import owed_since
from storage.status import MeetingStatus

KEPT_BACK = timedelta(days=365)  # meetings and duties further back are left out
PRODID = "-//boardbot//board calendars//EN"
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CalendarFile:
    body: bytes
    etag: str


def export_calendar(
    partnership: Partnership, board: Board | None, now: datetime, *, session: Session
) -> CalendarFile:
    import icalendar

    assert partnership.id is not None
    boards = [board] if board else boards_of(partnership.id, session=session)
    keys = {b.id: b for b in boards}
    cal = icalendar.Calendar()
    name = f"{board.key.upper()} meetings and deadlines" if board else partnership.name
    for prop, value in calendar_properties(name).items():
        cal.add(prop, value)
    year = calendar.london_date(now).year
    cal.add_component(
        icalendar.Timezone.from_tzid(
            "Europe/London", first_date=date(year - 2, 1, 1), last_date=date(year + 3, 1, 1)
        )
    )
    for event in [
        *meeting_events(partnership, keys, now, session),
        *duty_events(partnership, board, now, session),
        *escalation_events(partnership, board, keys, session),
    ]:
        cal.add_component(event)
    body = cal.to_ical()
    return CalendarFile(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def calendar_properties(name: str) -> dict[str, Any]:
    import icalendar

    return {
        "prodid": PRODID,
        "version": "2.0",
        "calscale": "GREGORIAN",
        "method": "PUBLISH",
        "x-wr-calname": name,
        "x-wr-timezone": "Europe/London",
        "refresh-interval": icalendar.vDuration(timedelta(hours=1)),
        "x-published-ttl": "PT1H",
    }


def uid(kind: str, number: int | None, partnership: Partnership) -> str:
    return f"{kind}-{number}@{partnership.key}.boardbot"


def event(**properties: Any) -> Any:
    import icalendar

    made = icalendar.Event()
    for prop, value in properties.items():
        if value not in (None, ""):
            made.add(prop.replace("_", "-"), value)
    return made


def meeting_events(
    partnership: Partnership, boards: dict[int | None, Board], now: datetime, session: Session
) -> list[Any]:
    events = []
    for meeting in every_meeting_since(list(boards), now - KEPT_BACK, session=session):
        board = boards[meeting.board_id]
        local = meeting.starts_at.astimezone(calendar.LONDON)
        start: date | datetime = local.date() if meeting.all_day else local
        events.append(
            event(
                uid=uid("meeting", meeting.id, partnership),
                dtstamp=meeting.changed_at or partnership.loaded_at,
                dtstart=start,
                dtend=local.date() + ONE_DAY if meeting.all_day else None,
                summary=f"{board.key.upper()} meeting",
                description=board.name,
                location=meeting.venue,
                status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
                sequence=meeting.sequence,
                transp="TRANSPARENT" if meeting.all_day else "OPAQUE",
            )
        )
    return events


def duty_events(
    partnership: Partnership, board: Board | None, now: datetime, session: Session
) -> list[Any]:
    """Each duty occurrence not yet done or waived: its window, ending on its due date."""
    assert partnership.id is not None
    earliest = calendar.london_date(now - KEPT_BACK)
    events = []
    for occurrence, duty in owed_since(partnership.id, earliest, session=session):
        if board and board.key not in (*duty.owners, *duty.counterparts):
            continue
        owed = f"Owed by {', '.join(k.upper() for k in duty.owners)}"
        if duty.counterparts:
            owed += f" to {', '.join(k.upper() for k in duty.counterparts)}"
        about = [owed, f"due {long_date(occurrence.due)}", duty.evidence, duty.clause]
        events.append(
            event(
                uid=uid("duty", occurrence.id, partnership),
                dtstamp=partnership.loaded_at,
                dtstart=occurrence.opens,
                dtend=occurrence.due + ONE_DAY,
                summary=f"{duty.title} ({occurrence.label})" if occurrence.label else duty.title,
                description=". ".join(part for part in about if part) + ".",
                sequence=0,  # an occurrence's window never changes; done or waived, it goes
                transp="TRANSPARENT",
                categories=["Duty"],
            )
        )
    return events


def escalation_events(
    partnership: Partnership, board: Board | None, boards: dict[int | None, Board], session: Session
) -> list[Any]:
    """Each open escalation's current stage deadline; SEQUENCE is the stages it has climbed."""
    assert partnership.id is not None
    rows = sorted(
        (
            (row, ladder)
            for row, ladder in open_escalations(partnership.id, session=session)
            if board is None or board.id in (row.from_board_id, row.to_board_id)
        ),
        key=lambda pair: pair[0].id or 0,
    )
    ids = [row.id for row, _ in rows if row.id is not None]
    stamps = {i: at.astimezone(UTC) for i, at in last_changes(ids, session=session).items()}
    in_force = keys_by_id(partnership.id, session=session, retired=False)
    keys = {i: key.upper() for i, key in in_force.items()}
    events = []
    for row, ladder in rows:
        stage = ladders.stage_of(ladder, row.stage)
        pair = f"{keys.get(row.from_board_id, '?')} → {keys.get(row.to_board_id, '?')}"
        events.append(
            event(
                uid=uid("escalation", row.id, partnership),
                dtstamp=stamps.get(row.id or 0, row.opened_at),
                dtstart=row.stage_deadline,
                dtend=row.stage_deadline + ONE_DAY,
                summary=f"Escalation #{row.id} {pair}: stage {row.stage} deadline",
                description=f"{stage.name}. Who acts: {stage.who_acts}.",
                sequence=row.stage - 1,
                transp="TRANSPARENT",
                categories=["Escalation"],
            )
        )
    return events
