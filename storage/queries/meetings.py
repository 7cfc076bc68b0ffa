"""Board meetings and the minutes shared after them.

A cancelled meeting stays stored (its calendar event says so) but is left out of every
question below unless one says otherwise: `SCHEDULED` is that filter, written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from storage.models import Meeting, MinuteShare
from storage.queries.boards import ids_in
from storage.status import MeetingStatus

SCHEDULED = col(Meeting.status) == MeetingStatus.SCHEDULED
IN_ORDER = (col(Meeting.starts_at), col(Meeting.id))


def upcoming(
    board_ids: Iterable[int | None],
    after: datetime,
    *,
    session: Session,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[Meeting]:
    """Scheduled meetings of these boards after `after` (and up to `until`), soonest first."""
    query = select(Meeting).where(
        col(Meeting.board_id).in_([i for i in board_ids if i is not None]),
        SCHEDULED,
        col(Meeting.starts_at) > after,
    )
    if until is not None:
        query = query.where(col(Meeting.starts_at) <= until)
    return list(session.exec(query.order_by(*IN_ORDER).limit(limit)))


def of_partnership_between(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[Meeting]:
    """Scheduled meetings of the partnership's boards with start <= starts < end."""
    return between(ids_in(partnership_id), start, end, session=session)


def between(
    board_ids: object, start: datetime, end: datetime, *, session: Session
) -> list[Meeting]:
    """Scheduled meetings of these boards (ids, or a subquery of them), start <= starts < end."""
    query = select(Meeting).where(
        col(Meeting.board_id).in_(board_ids),  # type: ignore[arg-type]
        SCHEDULED,
        col(Meeting.starts_at) >= start,
        col(Meeting.starts_at) < end,
    )
    return list(session.exec(query.order_by(*IN_ORDER)))


def of_partnership_within(
    partnership_id: int, since: datetime, until: datetime, *, session: Session, after: bool = False
) -> list[Meeting]:
    """Scheduled meetings of the partnership's boards with since <= starts <= until (or, with
    `after`, since < starts), in the order they were added."""
    starts = col(Meeting.starts_at)
    query = select(Meeting).where(
        col(Meeting.board_id).in_(ids_in(partnership_id)),
        SCHEDULED,
        starts > since if after else starts >= since,
        starts <= until,
    )
    return list(session.exec(query.order_by(col(Meeting.id))))


def first_between(
    board_id: int | None, start: datetime, end: datetime, *, session: Session
) -> Meeting | None:
    """The board's first scheduled meeting with start <= starts < end (a day's, say)."""
    found = between([board_id], start, end, session=session)
    return found[0] if found else None


def at(
    board_id: int | None, starts_at: datetime, *, session: Session, other_than: int | None = None
) -> Meeting | None:
    """The board's scheduled meeting at exactly this instant, other than `other_than`."""
    query = select(Meeting).where(
        Meeting.board_id == board_id, SCHEDULED, Meeting.starts_at == starts_at
    )
    if other_than is not None:
        query = query.where(Meeting.id != other_than)
    return session.exec(query).first()


def every_meeting_of(board_id: int | None, *, session: Session) -> list[Meeting]:
    """Every meeting of the board, cancelled ones too."""
    return list(session.exec(select(Meeting).where(Meeting.board_id == board_id)))


def every_meeting_since(
    board_ids: Iterable[int | None], since: datetime, *, session: Session
) -> list[Meeting]:
    """Every meeting of these boards from `since`, cancelled ones too, soonest first."""
    query = select(Meeting).where(
        col(Meeting.board_id).in_([i for i in board_ids if i is not None]),
        col(Meeting.starts_at) >= since,
    )
    return list(session.exec(query.order_by(*IN_ORDER)))


def without_minutes(
    board_ids: Iterable[int | None], since: datetime, until: datetime, *, session: Session
) -> list[Meeting]:
    """Scheduled meetings of these boards, since <= starts < until, with no minutes logged."""
    shared = select(MinuteShare.meeting_id).where(col(MinuteShare.meeting_id).is_not(None))
    query = select(Meeting).where(
        col(Meeting.board_id).in_([i for i in board_ids if i is not None]),
        SCHEDULED,
        col(Meeting.starts_at) >= since,
        col(Meeting.starts_at) < until,
        col(Meeting.id).not_in(shared),
    )
    return list(session.exec(query.order_by(col(Meeting.starts_at))))


def add_meetings(made: Sequence[Meeting], *, session: Session) -> None:
    """Insert new meetings as one batch (a feed brings thousands) and give each its id."""
    rows = [meeting.model_dump(exclude={"id"}) for meeting in made]
    statement = insert(Meeting).returning(col(Meeting.id), sort_by_parameter_order=True)
    for meeting, meeting_id in zip(made, session.execute(statement, rows).scalars(), strict=True):
        meeting.id = meeting_id


# -- minutes shared ------------------------------------------------------------------------------


def share_of_day(board_id: int | None, day: date, *, session: Session) -> MinuteShare | None:
    query = select(MinuteShare).where(
        MinuteShare.board_id == board_id, MinuteShare.meeting_on == day
    )
    return session.exec(query).first()


def latest_shares(
    partnership_id: int, board_id: int | None, *, session: Session, limit: int | None = None
) -> list[MinuteShare]:
    """The partnership's (or one board's) most recently logged shares, newest first."""
    query = select(MinuteShare).where(col(MinuteShare.board_id).in_(ids_in(partnership_id)))
    if board_id is not None:
        query = query.where(MinuteShare.board_id == board_id)
    newest = (col(MinuteShare.logged_at).desc(), col(MinuteShare.id).desc())
    return list(session.exec(query.order_by(*newest).limit(limit)))


def shares_of_days(
    partnership_id: int, first: date, last: date, *, session: Session
) -> list[MinuteShare]:
    """Minutes shares for meetings held on days within [first, last]."""
    query = (
        select(MinuteShare)
        .where(
            col(MinuteShare.board_id).in_(ids_in(partnership_id)),
            col(MinuteShare.meeting_on) >= first,
            col(MinuteShare.meeting_on) <= last,
        )
        .order_by(col(MinuteShare.meeting_on), col(MinuteShare.id))
    )
    return list(session.exec(query))


def held_before(partnership_id: int, instant: datetime, *, session: Session) -> list[Meeting]:
    """The partnership's meetings (cancelled or not) that started before `instant`, in order."""
    query = (
        select(Meeting)
        .where(col(Meeting.board_id).in_(ids_in(partnership_id)), col(Meeting.starts_at) < instant)
        .order_by(col(Meeting.starts_at))
    )
    return list(session.exec(query))
