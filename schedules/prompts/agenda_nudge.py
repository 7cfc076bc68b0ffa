"""Agenda nudge: a request unanswered after N working days goes to the target board's chair."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from schedules import calendar
from schedules.calendar import long_date
from schedules.occurrences import settings_of
from schedules.prompts.base import Prompt, Recipient
from storage.models import Partnership
from storage.queries.agenda import open_requests
from storage.queries.boards import keys_by_id
from storage.roles import Role

KIND = "agenda_nudge"


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    days = settings_of(partnership).agenda_request_nudge_working_days
    today = calendar.london_date(now)
    assert partnership.id is not None
    keys = keys_by_id(partnership.id, session=session)
    prompts = []
    for request in open_requests(partnership.id, session=session):
        asked = calendar.london_date(request.requested_at)
        send_on = calendar.add_working_days(asked, days)
        asker, asked_board = keys[request.from_board_id], keys[request.to_board_id]
        if send_on > today:
            continue
        text = (
            f"{asker.upper()} asked on {long_date(asked)} for an item on "
            f"{asked_board.upper()}'s agenda: {request.text} "
            "Accept or decline it from the request in your board's channel."
        )
        title = f"Agenda request #{request.id} is waiting for an answer"
        chair, about = Recipient(Role.CHAIR, asked_board), {"agenda_request_id": request.id}
        prompts.append(
            Prompt(KIND, send_on, f"agenda:{request.id}", chair, title, text, extra=about)
        )
    return prompts
