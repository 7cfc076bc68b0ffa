"""The tracker canvas of each digest channel: which canvas it is, what it last showed, or why the
channel cannot have one. The clock keeps these rows (schedules/canvases.py); nothing else writes
them, and `boardbot outbox` reads the channels whose canvas is off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from storage.models import AuditEntry, Board, Meeting, TrackerCanvas
from storage.status import MeetingStatus
from storage.upsert import insert_if_absent, update_one_if


def tracker(channel: str, *, session: Session) -> TrackerCanvas:
    """The channel's row, made (once, whoever else is making it) if it has none."""
    insert_if_absent(
        TrackerCanvas,
        [{"channel": channel, "creating": False}],
        unique=["channel"],
        session=session,
    )
    found = session.get(TrackerCanvas, channel, populate_existing=True)
    assert found is not None
    return found


def claim_create(channel: str, now: datetime, stale: datetime, *, session: Session) -> bool:
    """Mark a create under way; True for the one caller that may create the channel's canvas:
    none is under way, or the one that was was claimed before `stale` (and looked for since)."""
    return update_one_if(
        TrackerCanvas,
        channel,
        col(TrackerCanvas.canvas_id).is_(None),
        col(TrackerCanvas.off_reason).is_(None),
        or_(col(TrackerCanvas.creating).is_(False), col(TrackerCanvas.claimed_at) <= stale),
        session=session,
        creating=True,
        claimed_at=now,
    )


def turn_off(channel: str, reason: str, now: datetime, *, session: Session) -> bool:
    """Stop trying for the channel; True only for the call that turned it off."""
    return update_one_if(
        TrackerCanvas,
        channel,
        col(TrackerCanvas.off_reason).is_(None),
        session=session,
        off_reason=reason[:100],
        off_since=now,
        creating=False,
        last_error=None,
    )


def turn_on(channel: str, *, session: Session) -> bool:
    """Try the channel again from the next tick; True when it was off."""
    return update_one_if(
        TrackerCanvas,
        channel,
        col(TrackerCanvas.off_reason).is_not(None),
        session=session,
        off_reason=None,
        off_since=None,
        inputs=None,
        content_hash=None,
    )


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
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
    ).one()
    return f"audit {newest or 0} meetings {meetings}"
