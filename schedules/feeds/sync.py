"""A board's meetings brought into step with a feed: created, moved, cancelled or left alone.

Meetings typed by hand are never touched, nor meetings that have already taken place. A meeting
moved or cancelled by hand is left alone by later imports. Each change is audited; a move or a
cancellation is told to the board's channel by the `meeting_changed` prompt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from schedules import calendar
from schedules.feeds.read import Feed, FeedEvent
from storage.models import Board, Meeting
from storage.queries.audit import Auditor, record_many
from storage.queries.meetings import add_meetings, every_meeting_of
from storage.status import MeetingStatus

ADDED = "meeting.imported"
MOVED = "meeting.moved_by_feed"
CANCELLED = "meeting.cancelled_by_feed"
REINSTATED = "meeting.reinstated_by_feed"
UPDATED = "meeting.updated_by_feed"
TOLD_TO_THE_CHANNEL = (MOVED, CANCELLED, REINSTATED)
SOURCE_LIMIT = 500


@dataclass
class ImportReport:
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    unchanged: int = 0
    updated: int = 0  # the venue only
    skipped: Counter[str] = field(default_factory=Counter)

    def counts(self) -> str:
        said = f"created {self.created}, moved {self.moved}, cancelled {self.cancelled}, "
        said += f"unchanged {self.unchanged}"
        said += f", venue changed {self.updated}" if self.updated else ""
        return said + f", skipped {self.skipped.total()}"

    def reasons(self) -> list[str]:
        """'3 already past', most common first."""
        return [f"{count} {reason}" for reason, count in self.skipped.most_common()]

    def summary(self) -> str:
        reasons = self.reasons()
        return self.counts() + (f" ({'; '.join(reasons)})" if reasons else "")


@dataclass
class Sync:
    """One import: the board, the feed's events and what is stored, and the count so far."""

    session: Session
    board: Board
    source: str
    now: datetime
    actor: str
    stored: dict[tuple[str, str], Meeting]
    hand_times: dict[datetime, Meeting]
    report: ImportReport = field(default_factory=ImportReport)
    created: list[Meeting] = field(default_factory=list)


def apply_feed(
    board: Board,
    feed: Feed,
    *,
    source: str,
    now: datetime,
    actor: str,
    session: Session,
    match: str = "",
) -> ImportReport:
    """Bring `board`'s meetings from `source` into step with `feed`; the caller commits."""
    sync = Sync(session, board, source[:SOURCE_LIMIT], now, actor, *stored_meetings(board, session))
    sync.report.skipped.update(feed.unusable)
    wanted = matching(feed.events, match, sync.report)
    seen: set[tuple[str, str]] = set()
    for event in wanted:
        if event.key in seen:
            sync.report.skipped["repeated in the feed"] += 1
            continue
        seen.add(event.key)
        meeting = sync.stored.get(event.key)
        if meeting is None:
            create(sync, event)
        else:
            follow(sync, meeting, event)
    cancel_vanished(sync, feed, {e.key for e in feed.events})
    record_created(sync)
    return sync.report


def stored_meetings(
    board: Board, session: Session
) -> tuple[dict[tuple[str, str], Meeting], dict[datetime, Meeting]]:
    """This board's meetings from any feed, by key; and its scheduled hand meetings, by time."""
    by_key, by_time = {}, {}
    for meeting in every_meeting_of(board.id, session=session):
        if meeting.feed_uid is not None:
            by_key[(meeting.feed_uid, meeting.feed_recurrence or "")] = meeting
        elif meeting.status == MeetingStatus.SCHEDULED:
            by_time[meeting.starts_at] = meeting
    return by_key, by_time


def matching(events: list[FeedEvent], match: str, report: ImportReport) -> list[FeedEvent]:
    if not match:
        return events
    wanted = match.casefold()
    kept = [e for e in events if wanted in e.summary.casefold()]
    if len(kept) < len(events):
        report.skipped[f"not matching '{match}'"] += len(events) - len(kept)
    return kept


def create(sync: Sync, event: FeedEvent) -> None:
    skipped = sync.report.skipped
    if event.cancelled:
        skipped["cancelled in the feed before ever being imported"] += 1
    elif event.starts_at <= sync.now:
        skipped["already past"] += 1
    elif event.starts_at in sync.hand_times:
        skipped["already typed in by hand"] += 1
    else:
        assert sync.board.id is not None
        meeting = Meeting(
            board_id=sync.board.id,
            starts_at=event.starts_at,
            all_day=event.all_day,
            venue=event.location,
            created_by=sync.actor[:40],
            origin="feed",
            feed_uid=event.uid,
            feed_recurrence=event.recurrence,
            feed_source=sync.source,
            changed_at=sync.now,
        )
        sync.created.append(meeting)
        sync.report.created += 1


def follow(sync: Sync, meeting: Meeting, event: FeedEvent) -> None:
    """A meeting already imported: the feed's word goes, unless people or time have moved on."""
    same_time = (meeting.starts_at, meeting.all_day) == (event.starts_at, event.all_day)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    if event.cancelled:
        same = cancelled
    else:
        same = same_time and meeting.venue == event.location and not cancelled
    if same:
        sync.report.unchanged += 1
    elif meeting.origin != "feed":
        sync.report.skipped["changed by hand since imported"] += 1
    elif meeting.starts_at <= sync.now:
        sync.report.skipped["already past"] += 1
    elif event.cancelled:
        cancel(sync, meeting, "cancelled in the feed")
    elif cancelled:
        change(sync, meeting, event, REINSTATED, before={"status": MeetingStatus.CANCELLED})
        sync.report.moved += 1
    elif not same_time:
        change(sync, meeting, event, MOVED, before=when_fields(meeting))
        sync.report.moved += 1
    else:
        change(sync, meeting, event, UPDATED, before={"venue": meeting.venue})
        sync.report.updated += 1
    if meeting.origin == "feed":
        meeting.feed_source = sync.source  # a file's meetings, now followed from a subscription


def cancel_vanished(sync: Sync, feed: Feed, present: set[tuple[str, str]]) -> None:
    """Cancel this source's meetings still to come that the feed covers but no longer lists."""
    span = feed.span()
    if span is None:
        return  # an empty feed speaks for no day: nothing is cancelled on its word
    for key, meeting in sync.stored.items():
        if (
            key not in present
            and meeting.origin == "feed"
            and meeting.feed_source == sync.source
            and meeting.status == MeetingStatus.SCHEDULED
            and meeting.starts_at > sync.now
            and span[0] <= calendar.london_date(meeting.starts_at) <= span[1]
        ):
            cancel(sync, meeting, "no longer in the feed")


def cancel(sync: Sync, meeting: Meeting, why: str) -> None:
    meeting.status = MeetingStatus.CANCELLED
    touch(sync, meeting)
    after = {**where_fields(sync, meeting), "status": MeetingStatus.CANCELLED, "why": why}
    record(sync, CANCELLED, meeting, before={"status": MeetingStatus.SCHEDULED}, after=after)
    sync.report.cancelled += 1


def change(
    sync: Sync, meeting: Meeting, event: FeedEvent, action: str, *, before: dict[str, Any]
) -> None:
    meeting.starts_at, meeting.all_day = event.starts_at, event.all_day
    meeting.venue, meeting.status = event.location, MeetingStatus.SCHEDULED
    touch(sync, meeting)
    record(sync, action, meeting, before=before, after=where_fields(sync, meeting))


def touch(sync: Sync, meeting: Meeting) -> None:
    meeting.sequence += 1
    meeting.changed_at = sync.now


def when_fields(meeting: Meeting) -> dict[str, Any]:
    return {"starts_at": meeting.starts_at.isoformat(), "all_day": meeting.all_day}


def where_fields(sync: Sync, meeting: Meeting) -> dict[str, Any]:
    return {"board": sync.board.key, **when_fields(meeting), "venue": meeting.venue}


def record(
    sync: Sync,
    action: str,
    meeting: Meeting,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any],
) -> None:
    auditor = Auditor(sync.session, sync.now, sync.actor, sync.board.partnership_id)
    auditor.record(
        action, "meeting", meeting.id, before=before, after={**after, "feed": sync.source}
    )


def record_created(sync: Sync) -> None:
    """New meetings go in as one batch, then their audit entries as another (2,000 in < 1 s)."""
    if not sync.created:
        return
    add_meetings(sync.created, session=sync.session)
    entries = []
    for meeting in sync.created:
        entries.append(
            {
                "at": sync.now,
                "actor": sync.actor[:40],
                "action": ADDED,
                "entity": "meeting",
                "entity_id": meeting.id,
                "partnership_id": sync.board.partnership_id,
                "before": {},
                "after": {**where_fields(sync, meeting), "feed": sync.source},
            }
        )
    record_many(entries, session=sync.session)
