"""Agenda pack: before a board meeting, its business manager gets what is due to come to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedules import calendar
from schedules.calendar import long_date
from schedules.meeting_times import clock_label
from schedules.occurrences import settings_of
from schedules.prompts.audience import guests_of, meeting_audience
from schedules.prompts.base import Prompt, Recipient
from storage.models import Meeting, Partnership
from storage.queries.agenda import accepted_for_meeting
from storage.queries.boards import keys_by_id
from storage.queries.meetings import of_partnership_within
from storage.queries.occurrences import pending_on

KIND = "agenda_pack"
LOOKAHEAD_DAYS = 21


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    days = settings_of(partnership).agenda_pack_working_days
    today = calendar.london_date(now)
    assert partnership.id is not None
    keys = keys_by_id(partnership.id, session=session)
    until = now + timedelta(days=LOOKAHEAD_DAYS)
    prompts = []
    for meeting in of_partnership_within(partnership.id, now, until, session=session, after=True):
        held = calendar.london_date(meeting.starts_at)
        send_on = calendar.add_working_days(held, -days)
        if send_on <= today:
            board = keys[meeting.board_id]
            prompts += pack_for(partnership, meeting, board, held, send_on, session=session)
    return prompts


def pack_for(
    partnership: Partnership,
    meeting: Meeting,
    board: str,
    held: date,
    send_on: date,
    *,
    session: Session,
) -> list[Prompt]:
    """The pack of one meeting of `board` (its key): accepted items, and duties due to it; to
    its business manager and its guests."""
    accepted = accepted_for_meeting(meeting.id, session=session)
    assert partnership.id is not None
    due = pending_on(partnership.id, held, session=session)
    presented = [(occ, duty) for occ, duty in due if board in duty.counterparts]
    items = [f"Agenda request #{r.id}: {r.text}" for r in accepted]
    items += [due_item(duty.title, occ.id, occ.due) for occ, duty in presented]
    return pack(
        board,
        held,
        send_on,
        items,
        subject=f"meeting:{meeting.id}",
        at=clock_label(meeting),
        audience=meeting_audience(board, guests_of(partnership.protocol, board)),
        extra={"meeting_id": meeting.id},
    )


def due_item(title: str, occurrence_id: int | None, due: date) -> str:
    """One line of a pack: a duty due to come to the meeting."""
    number = f"#{occurrence_id}, " if occurrence_id is not None else ""
    return f"{title} ({number}due {long_date(due)})"


def pack(
    board: str,
    held: date,
    send_on: date,
    items: Sequence[str],
    *,
    subject: str,
    at: str = "",  # "at 10:00" or "(all day)"
    audience: Sequence[Recipient] = (),
    extra: dict[str, Any] | None = None,
) -> list[Prompt]:
    """The pack for one meeting of `board`, to each of its audience (by default its business
    manager; `meeting_audience` adds the board's guests)."""
    agenda = (
        "For its agenda: " + "; ".join(items) + "." if items else "Nothing is due to come to it."
    )
    when = f" {at}" if at else ""
    text = f"{board.upper()} meets on {long_date(held)}{when}. {agenda}"
    return [
        Prompt(
            KIND,
            send_on,
            subject=subject,
            recipient=recipient,
            title=f"Agenda pack: {board.upper()} meeting",
            text=text,
            extra={**(extra or {}), "items": list(items)},
        )
        for recipient in audience or meeting_audience(board)
    ]
