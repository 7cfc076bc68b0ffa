"""Agenda pack: before a board meeting, its business manager gets what is due to come to it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from schedules import calendar
from schedules.calendar import long_date
from schedules.meeting_times import clock_label
from schedules.occurrences import settings_of
from schedules.prompts.base import Prompt, Recipient
from storage.models import AgendaRequest, Board, Duty, DutyOccurrence, Meeting, Partnership

KIND = "agenda_pack"
LOOKAHEAD_DAYS = 21


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    days = settings_of(partnership).agenda_pack_working_days
    today = calendar.london_date(now)
    query = (
        select(Meeting, Board)
        .join(Board, col(Board.id) == col(Meeting.board_id))
        .where(
            Board.partnership_id == partnership.id,
            Meeting.status == "scheduled",
            col(Meeting.starts_at) > now,
            col(Meeting.starts_at) <= now + timedelta(days=LOOKAHEAD_DAYS),
        )
    )
    prompts = []
    for meeting, board in session.exec(query):
        held = calendar.london_date(meeting.starts_at)
        send_on = calendar.add_working_days(held, -days)
        if send_on <= today:
            prompts.append(pack_for(meeting, board, held, send_on, session=session))
    return prompts


def pack_for(
    meeting: Meeting, board: Board, held: date, send_on: date, *, session: Session
) -> Prompt:
    accepted = session.exec(
        select(AgendaRequest).where(
            AgendaRequest.meeting_id == meeting.id, AgendaRequest.status == "accepted"
        )
    ).all()
    due = session.exec(
        select(Duty, DutyOccurrence)
        .join(DutyOccurrence, col(DutyOccurrence.duty_id) == col(Duty.id))
        .where(
            Duty.partnership_id == board.partnership_id,
            DutyOccurrence.status == "pending",
            col(DutyOccurrence.opens) <= held,
            col(DutyOccurrence.due) >= held,
        )
    ).all()
    presented = [(duty, occ) for duty, occ in due if board.key in duty.counterparts]
    items = [f"Agenda request #{r.id}: {r.text}" for r in accepted]
    items += [f"{duty.title} (#{occ.id}, due {long_date(occ.due)})" for duty, occ in presented]
    agenda = (
        "For its agenda: " + "; ".join(items) + "." if items else "Nothing is due to come to it."
    )
    text = f"{board.key.upper()} meets on {long_date(held)} {clock_label(meeting)}. {agenda}"
    return Prompt(
        KIND,
        send_on,
        subject=f"meeting:{meeting.id}",
        recipient=Recipient("business_manager", board.key),
        title=f"Agenda pack: {board.key.upper()} meeting",
        text=text,
        extra={"meeting_id": meeting.id, "items": items},
    )
