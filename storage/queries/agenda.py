"""Agenda requests: one board asking another for an item on its agenda."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, or_, select

from storage.models import AgendaRequest
from storage.status import AgendaStatus

OPEN = col(AgendaRequest.status) == AgendaStatus.OPEN
ACCEPTED = col(AgendaRequest.status) == AgendaStatus.ACCEPTED
ASKED_IN_ORDER = (col(AgendaRequest.requested_at), col(AgendaRequest.id))


def open_requests(partnership_id: int, *, session: Session) -> list[AgendaRequest]:
    """The partnership's requests still waiting for an answer, oldest first."""
    query = select(AgendaRequest).where(AgendaRequest.partnership_id == partnership_id, OPEN)
    return list(session.exec(query.order_by(*ASKED_IN_ORDER)))


def open_involving(board_ids: Iterable[int], *, session: Session) -> list[AgendaRequest]:
    """Open requests to or from any of these boards, oldest first."""
    ids = list(board_ids)
    query = select(AgendaRequest).where(
        OPEN,
        or_(col(AgendaRequest.from_board_id).in_(ids), col(AgendaRequest.to_board_id).in_(ids)),
    )
    return list(session.exec(query.order_by(*ASKED_IN_ORDER)))


def open_or_recent(
    partnership_id: int, board_id: int | None, since: datetime, *, session: Session
) -> list[AgendaRequest]:
    """Requests still open or asked since `since`, to or from a board (or any), newest first."""
    query = select(AgendaRequest).where(
        AgendaRequest.partnership_id == partnership_id,
        or_(OPEN, col(AgendaRequest.requested_at) >= since),
    )
    if board_id is not None:
        query = query.where(
            or_(AgendaRequest.from_board_id == board_id, AgendaRequest.to_board_id == board_id)
        )
    newest = (col(AgendaRequest.requested_at).desc(), col(AgendaRequest.id).desc())
    return list(session.exec(query.order_by(*newest)))


def accepted_for(
    board_id: int | None, meeting_id: int | None, *, session: Session
) -> list[AgendaRequest]:
    """Items accepted onto the board's agenda for a meeting (None: waiting for one)."""
    query = select(AgendaRequest).where(AgendaRequest.to_board_id == board_id, ACCEPTED)
    if meeting_id is None:
        query = query.where(col(AgendaRequest.meeting_id).is_(None))
    else:
        query = query.where(AgendaRequest.meeting_id == meeting_id)
    return list(session.exec(query.order_by(col(AgendaRequest.id))))


def accepted_for_meeting(meeting_id: int | None, *, session: Session) -> list[AgendaRequest]:
    query = select(AgendaRequest).where(AgendaRequest.meeting_id == meeting_id, ACCEPTED)
    return list(session.exec(query.order_by(col(AgendaRequest.id))))


def asked_between(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[AgendaRequest]:
    query = select(AgendaRequest).where(
        AgendaRequest.partnership_id == partnership_id,
        col(AgendaRequest.requested_at) >= start,
        col(AgendaRequest.requested_at) < end,
    )
    return list(session.exec(query.order_by(*ASKED_IN_ORDER)))
