"""A partnership's boards: the one module that reads Board.partnership_id and Board.key in a
query. Other query modules reach a partnership's boards through `ids_in` and `active_ids`.

Boards retire (a protocol loaded without them) and are never deleted: "boards" means those in
force; "every board" includes the retired, whose history stays.

A board is a partnership's row naming a body (`Body`): one channel and one set of people. Boards
of several partnerships bound to one channel name the same body; every row of a body carries
its channel, and `bind_channel` is the one writer that keeps them in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Board, Body, Partnership

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
    """Boards in force whose channel this is (one per partnership at most; several when
    partnerships share the board), oldest first."""
    query = select(Board).where(Board.channel_id == channel_id, IN_FORCE).order_by(col(Board.id))
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


def boards_with_key(
    key: str, partnership_ids: Iterable[int], *, session: Session
) -> list[tuple[Board, Partnership]]:
    """Boards in force with this key (any case) in any of these partnerships, by partnership
    key."""
    query = (
        select(Board, Partnership)
        .join(Partnership, col(Partnership.id) == col(Board.partnership_id))
        .where(col(Board.partnership_id).in_(sorted(set(partnership_ids))))
        .where(Board.key == key.lower(), IN_FORCE)
        .order_by(col(Partnership.key))
    )
    return [(board, partnership) for board, partnership in session.exec(query)]


def sharing(board: Board, *, session: Session) -> list[tuple[Board, Partnership]]:
    """The other partnerships' boards in force that name the same body, by partnership key."""
    return sharing_each([board], session=session).get(board.id or 0, [])


def sharing_each(
    boards: Iterable[Board], *, session: Session
) -> dict[int, list[tuple[Board, Partnership]]]:
    """`sharing` for many boards in one query: board id -> the other partnerships' boards."""
    mine = {b.id: b for b in boards if b.id is not None}
    found: dict[int, list[tuple[Board, Partnership]]] = {board_id: [] for board_id in mine}
    bodies = sorted({b.body_id for b in mine.values()})
    query = (
        select(Board, Partnership)
        .join(Partnership, col(Partnership.id) == col(Board.partnership_id))
        .where(col(Board.body_id).in_(bodies), IN_FORCE)
        .order_by(col(Partnership.key))
    )
    rows = list(session.exec(query)) if bodies else []
    for board_id, board in mine.items():
        found[board_id] = [
            (b, p) for b, p in rows if b.body_id == board.body_id and b.id != board_id
        ]
    return found


def same_body_ids(board_id: int) -> Any:
    """A subquery of the ids of every board (of any partnership) naming this board's body."""
    body = select(Board.body_id).where(Board.id == board_id).scalar_subquery()
    return select(Board.id).where(Board.body_id == body)


def new_body(*, session: Session) -> int:
    """A body of its own, for a board a protocol brings."""
    body = Body()
    session.add(body)
    session.flush()
    assert body.id is not None
    return body.id


def bind_channel(
    board: Board, channel: str | None, *, session: Session
) -> list[tuple[Board, Partnership]]:
    """Make `channel` the board's channel; returns the other partnerships' boards it now shares
    its body with (as `sharing`). A channel that is another body's joins that body; otherwise a
    shared board leaves its body for one of its own (its partners keep theirs), and a board that
    shares nothing keeps its body with the new channel."""
    partners = [b for b, _ in sharing(board, session=session)]
    found = boards_by_channel(channel, session=session) if channel else []
    joined = [b for b in found if b.id != board.id]
    if joined and joined[0].body_id != board.body_id:
        board.body_id = joined[0].body_id
    elif not joined and partners:
        board.body_id = new_body(session=session)
    board.channel_id = channel
    session.flush()
    return sharing(board, session=session)


def ids_in(partnership_id: int) -> Any:
    """A subquery of the ids of every board the partnership has had, for `.in_(...)`."""
    return select(Board.id).where(Board.partnership_id == partnership_id)


def active_ids() -> Any:
    """A subquery of the ids of every board in force, in any partnership."""
    return select(Board.id).where(IN_FORCE)
