"""Boards' calendar feeds (read in) and the tokens of boards' calendars (served out)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Board, CalendarToken, FeedSubscription
from storage.queries.boards import active_ids, ids_in
from storage.queries.records import rows_by_id

Followed = tuple[Board, FeedSubscription]


def subscription_of(board_id: int | None, *, session: Session) -> FeedSubscription | None:
    query = select(FeedSubscription).where(FeedSubscription.board_id == board_id)
    return session.exec(query).first()


def due_for_reading(now: datetime, *, session: Session, limit: int) -> list[int]:
    """Subscriptions of boards in force whose next read has come, longest waiting first."""
    query = (
        select(FeedSubscription.id)
        .where(
            col(FeedSubscription.next_refresh_at) <= now,
            col(FeedSubscription.board_id).in_(active_ids()),
        )
        .order_by(col(FeedSubscription.next_refresh_at))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def followed(
    *, session: Session, partnership_id: int | None = None, failing_at_least: int = 0
) -> list[Followed]:
    """(board, subscription) for each board that follows a feed (of one partnership, or any),
    by partnership then board key; or only those whose last reads all failed."""
    query = select(FeedSubscription).where(
        col(FeedSubscription.consecutive_failures) >= failing_at_least
    )
    if partnership_id is not None:
        query = query.where(col(FeedSubscription.board_id).in_(ids_in(partnership_id)))
    subscriptions = list(session.exec(query))
    boards = rows_by_id(Board, [s.board_id for s in subscriptions], session=session)
    found = [(boards[s.board_id], s) for s in subscriptions if s.board_id in boards]
    return sorted(found, key=lambda pair: (pair[0].partnership_id, pair[0].key))


def calendar_token(
    partnership_id: int | None, board_key: str, *, session: Session
) -> CalendarToken | None:
    """The token of the partnership's calendar (board_key "") or of one board's."""
    query = select(CalendarToken).where(
        CalendarToken.partnership_id == partnership_id, CalendarToken.board_key == board_key
    )
    return session.exec(query).first()


def token_named(token: str, *, session: Session) -> CalendarToken | None:
    return session.exec(select(CalendarToken).where(CalendarToken.token == token)).first()
