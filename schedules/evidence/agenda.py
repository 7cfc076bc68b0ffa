"""Agenda requests made in the year and what became of them by the instant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from schedules import calendar
from storage.models import AgendaRequest, Meeting
from storage.status import AgendaStatus


class AgendaOutcome(StrEnum):
    """What became of a request by the instant: as stored, with `open` read as unanswered."""

    ACCEPTED = AgendaStatus.ACCEPTED.value
    DECLINED = AgendaStatus.DECLINED.value
    UNANSWERED = "unanswered"


AGENDA_OUTCOMES = tuple(AgendaOutcome)


@dataclass(frozen=True)
class AgendaRow:
    id: int
    from_board: str
    to_board: str
    text: str
    requested_on: date
    requested_by: str
    status: AgendaOutcome
    decided_on: date | None = None
    decided_by: str | None = None
    meeting_on: date | None = None  # the meeting it was accepted onto, where one was chosen
    reason: str | None = None  # why it was declined


def agenda_rows(
    requests: Sequence[AgendaRequest],
    keys: Mapping[int, str],
    meetings: Mapping[int, Meeting],
    at: datetime,
) -> list[AgendaRow]:
    """Requests made by `at`; an answer given after the instant is not yet part of the record."""
    rows = []
    for request in requests:
        if request.requested_at > at or request.id is None:
            continue
        decided = request.decided_at is not None and request.decided_at <= at
        asked = AgendaRow(
            request.id,
            keys[request.from_board_id],
            keys[request.to_board_id],
            request.text,
            calendar.london_date(request.requested_at),
            request.requested_by,
            AgendaOutcome.UNANSWERED,
        )
        if not decided or request.decided_at is None or request.status == AgendaStatus.OPEN:
            rows.append(asked)
            continue
        meeting = meetings.get(request.meeting_id) if request.meeting_id else None
        rows.append(
            replace(
                asked,
                status=AgendaOutcome(request.status.value),
                decided_on=calendar.london_date(request.decided_at),
                decided_by=request.decided_by,
                meeting_on=calendar.london_date(meeting.starts_at) if meeting else None,
                reason=request.reason,
            )
        )
    return rows
