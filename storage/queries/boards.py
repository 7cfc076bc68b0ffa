"""A partnership's boards: the one module that reads Board.partnership_id and Board.key in a
query. Other query modules reach a partnership's boards through `ids_in` and `active_ids`.

Boards retire (a protocol loaded without them) and are never deleted: "boards" means those in
force; "every board" includes the retired, whose history stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Board

IN_FORCE = col(Board.retired_at).is_(None)


def boards_of(partnership_id: int, *, session: Session, retired: bool = False) -> list[Board]:
    """The partnership's boards in force (or, `retired`, every one it has had), in protocol
    order."""
    query = select(Board).where(Board.partnership_id == partnership_id)
    query = query if retired else query.where(IN_FORCE)
    return list(session.exec(query.order_by(col(Board.id))))


def board_by_key(partnership_id: int, key: str, *, session: Session) -> Board | None:
    """A board in force, by its key in any case."""
    query = select(Board).where(
        Board.partnership_id == partnership_id, Board.key == key.lower(), IN_FORCE
    )
    return session.exec(query).first()


def boards_by_channel(channel_id: str, *, session: Session) -> list[Board]:
    """Boards in force whose channel this is (one per partnership at most)."""
    query = select(Board).where(Board.channel_id == channel_id, IN_FORCE)
    return list(session.exec(query))


def board_by_channel(partnership_id: int, channel_id: str, *, session: Session) -> Board | None:
    found = boards_by_channel(channel_id, session=session)
    return next((b for b in found if b.partnership_id == partnership_id), None)


def keys_by_id(partnership_id: int, *, session: Session, retired: bool = True) -> dict[int, str]:
    """Board id -> key, of every board the partnership has had (or, `retired=False`, those in
    force): how stored rows that name boards by id are shown."""
    found = boards_of(partnership_id, session=session, retired=True)
    if not retired:
        found = [b for b in found if b.retired_at is None]
    return {b.id: b.key for b in found if b.id is not None}


def keys_of(board_ids: Iterable[int], *, session: Session) -> dict[int, str]:
    """Board id -> key, for these boards whichever partnership they belong to."""
    query = select(Board).where(col(Board.id).in_(sorted(set(board_ids))))
    return {b.id: b.key for b in session.exec(query) if b.id is not None}


def ids_in(partnership_id: int) -> Any:
    """A subquery of the ids of every board the partnership has had, for `.in_(...)`."""
    return select(Board.id).where(Board.partnership_id == partnership_id)


def active_ids() -> Any:
    """A subquery of the ids of every board in force, in any partnership."""
    return select(Board.id).where(IN_FORCE)
