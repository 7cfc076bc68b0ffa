"""Agenda nudge: a request unanswered after N working days goes to the target board's chair."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from schedules import calendar
from schedules.calendar import long_date
from schedules.occurrences import settings_of
from schedules.prompts.base import Prompt, Recipient
from storage.models import AgendaRequest, Board, Partnership
from storage.roles import Role
from storage.status import AgendaStatus

KIND = "agenda_nudge"


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    days = settings_of(partnership).agenda_request_nudge_working_days
    today = calendar.london_date(now)
    query = (
        select(AgendaRequest, Board)
        .join(Board, col(Board.id) == col(AgendaRequest.from_board_id))
        .where(
            AgendaRequest.partnership_id == partnership.id,
            AgendaRequest.status == AgendaStatus.OPEN,
        )
    )
    prompts = []
    for request, from_board in session.exec(query):
        to_board = session.get(Board, request.to_board_id)
        asked = calendar.london_date(request.requested_at)
        send_on = calendar.add_working_days(asked, days)
        if to_board is None or send_on > today:
            continue
        prompts.append(
            Prompt(
                KIND,
                send_on,
                subject=f"agenda:{request.id}",
                recipient=Recipient(Role.CHAIR, to_board.key),
                title=f"Agenda request #{request.id} is waiting for an answer",
                text=(
                    f"{from_board.key.upper()} asked on {long_date(asked)} for an item on "
                    f"{to_board.key.upper()}'s agenda: {request.text} "
                    "Accept or decline it from the request in your board's channel."
                ),
                extra={"agenda_request_id": request.id},
            )
        )
    return prompts
