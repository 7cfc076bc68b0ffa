"""The tracker canvas of each digest channel: which canvas it is, what it last showed, or why the
channel cannot have one. The clock keeps these rows (schedules/canvases.py); nothing else writes
them, and `boardbot outbox` reads the channels whose canvas is off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, or_, select

from storage.models import AuditEntry, Board, Meeting
from storage.types import utc_field


class TrackerCanvas(SQLModel, table=True):
    """One digest channel's canvas. `creating`: a create was claimed (at `claimed_at`) and its
    outcome is not known yet, so the channel's canvas is looked up before any other create."""

    channel: str = Field(primary_key=True, max_length=40)
    canvas_id: str | None = Field(default=None, max_length=40)
    content_hash: str | None = Field(default=None, max_length=64)  # sha256 of what it shows
    inputs: str | None = Field(default=None, max_length=200)  # what that content was made from
    creating: bool = False
    claimed_at: datetime | None = utc_field(nullable=True)
    off_reason: str | None = Field(default=None, max_length=100)  # Slack's error, once
    off_since: datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=300)  # a failure retried next tick
    refreshed_at: datetime | None = utc_field(nullable=True)


def tracker(channel: str, *, session: Session) -> TrackerCanvas:
    """The channel's row, made (once, whoever else is making it) if it has none."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(TrackerCanvas)
        .values(channel=channel, creating=False)
        .on_conflict_do_nothing(index_elements=["channel"])
    )
    row = session.get(TrackerCanvas, channel, populate_existing=True)
    assert row is not None
    return row


def claim_create(channel: str, now: datetime, stale: datetime, *, session: Session) -> bool:
    """Mark a create under way; True for the one caller that may create the channel's canvas:
    none is under way, or the one that was was claimed before `stale` (and looked for since)."""
    statement = (
        update(TrackerCanvas)
        .where(
            col(TrackerCanvas.channel) == channel,
            col(TrackerCanvas.canvas_id).is_(None),
            col(TrackerCanvas.off_reason).is_(None),
            or_(col(TrackerCanvas.creating).is_(False), col(TrackerCanvas.claimed_at) <= stale),
        )
        .values(creating=True, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return won(session.execute(statement))


def turn_off(channel: str, reason: str, now: datetime, *, session: Session) -> bool:
    """Stop trying for the channel; True only for the call that turned it off."""
    statement = (
        update(TrackerCanvas)
        .where(col(TrackerCanvas.channel) == channel, col(TrackerCanvas.off_reason).is_(None))
        .values(off_reason=reason[:100], off_since=now, creating=False, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return won(session.execute(statement))


def turn_on(channel: str, *, session: Session) -> bool:
    """Try the channel again from the next tick; True when it was off."""
    statement = (
        update(TrackerCanvas)
        .where(col(TrackerCanvas.channel) == channel, col(TrackerCanvas.off_reason).is_not(None))
        .values(off_reason=None, off_since=None, inputs=None, content_hash=None)
        .execution_options(synchronize_session=False)
    )
    return won(session.execute(statement))


def switched_off(*, session: Session) -> list[TrackerCanvas]:
    """The channels whose canvas is off, longest off first."""
    query = select(TrackerCanvas).where(col(TrackerCanvas.off_reason).is_not(None))
    return list(session.exec(query.order_by(col(TrackerCanvas.off_since))))


def changes_of(partnership_id: int, start: datetime, end: datetime, *, session: Session) -> str:
    """What moves a partnership's record: its newest audit entry (every change of state writes
    one) and how many of its meetings start in [start, end) (a held meeting can open a duty)."""
    newest = session.exec(
        select(func.max(AuditEntry.id)).where(AuditEntry.partnership_id == partnership_id)
    ).one()
    meetings = session.exec(
        select(func.count(col(Meeting.id)))
        .join(Board, col(Board.id) == col(Meeting.board_id))
        .where(
            Board.partnership_id == partnership_id,
            Meeting.status == "scheduled",
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
    ).one()
    return f"audit {newest or 0} meetings {meetings}"


def won(result: object) -> bool:
    """Whether a conditional UPDATE changed its row."""
    return int(getattr(result, "rowcount", 0) or 0) == 1
