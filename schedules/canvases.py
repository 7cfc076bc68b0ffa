"""The clock keeps each digest channel's tracker canvas: made once, edited when it changed.

The tick reaches Slack through the `CanvasKeeper` passed in. Each channel is refreshed at most
once a tick and only when its content changed; a failure is tried again on a later tick; a
create whose outcome is unknown is settled by looking up the channel's canvas before any other
create, so a channel never gets two. Where the workspace or the channel cannot have the canvas,
the channel is switched off once, with Slack's reason, and nothing else is affected.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import Engine
from sqlmodel import Session

from schedules.tracker import tracker_inputs, tracker_markdown
from storage.db import transaction
from storage.models import Partnership, TrackerCanvas
from storage.queries import trackers
from storage.queries.partnerships import digest_channels

log = logging.getLogger(__name__)
PARTS = "\n---\n\n"  # between partnerships that share one digest channel
# A create whose answer never came is looked for this long after it was claimed: by then the
# call has ended (the clock's calls time out in seconds), whichever clock made it.
SETTLE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class CanvasAnswer:
    """What Slack said to a canvas call: the canvas, or an error and what it means."""

    canvas_id: str | None = None
    error: str | None = None
    off: bool = False  # the workspace or the channel cannot have this canvas: stop trying
    uncertain: bool = False  # a create may have been carried out: look before creating again
    gone: bool = False  # the canvas no longer exists: make a new one
    taken: bool = False  # the channel already has a canvas


class CanvasKeeper(Protocol):
    """One workspace's way to its channels' canvases."""

    def create(self, channel: str, markdown: str) -> CanvasAnswer:
        """Make the channel's canvas showing `markdown`."""
        ...

    def replace(self, canvas_id: str, markdown: str) -> CanvasAnswer:
        """Make the canvas show `markdown` instead of what it shows."""
        ...

    def find(self, channel: str) -> CanvasAnswer:
        """The channel's canvas, if it has one (canvas_id None when it has none)."""
        ...


@runtime_checkable
class Keepers(Protocol):
    """Each workspace its own keeper (workspaces that installed boardbot by OAuth)."""

    def keeper_for(self, team_id: str, enterprise_id: str | None = None) -> CanvasKeeper | None:
        """The workspace's keeper, or None when it has no token."""
        ...


@dataclass(frozen=True)
class Content:
    inputs: str
    markdown: str | None = None  # None: not built, as its inputs are those last drawn

    @property
    def digest(self) -> str:
        return hashlib.sha256((self.markdown or "").encode("utf-8")).hexdigest()


def refresh_trackers(
    engine: Engine, now: datetime, keeper: CanvasKeeper, *, team_id: str | None = None
) -> int:
    """Refresh every digest channel's canvas that changed (with `team_id`, of that workspace's
    partnerships only); returns how many were drawn."""
    with Session(engine) as session:
        channels = digest_channels(session=session, team_id=team_id)
    drawn = 0
    for channel, partnership_ids in channels.items():
        try:
            drawn += refresh_channel(engine, now, keeper, channel, partnership_ids)
        except Exception:  # one channel's failure must not stop the others, nor the tick
            log.exception("refreshing the tracker canvas of %s failed", channel)
    return drawn


def refresh_channel(
    engine: Engine, now: datetime, keeper: CanvasKeeper, channel: str, partnership_ids: list[int]
) -> bool:
    with transaction(engine) as session:
        row = trackers.tracker(channel, session=session)
        if row.off_reason is not None or under_way(row, now):
            return False
        content = content_of(partnership_ids, now, row, session=session)
        if content.markdown is None or (row.canvas_id and content.digest == row.content_hash):
            row.inputs = content.inputs  # unchanged: nothing to draw
            return False
        canvas_id, creating = row.canvas_id, row.creating
    if canvas_id is None:
        try:
            canvas_id = settle(engine, keeper, channel) if creating else None
        except Unsettled:
            return False
    if canvas_id is None:
        return create(engine, now, keeper, channel, content, maybe_ours=creating)
    assert content.markdown is not None
    answer = keeper.replace(canvas_id, content.markdown)
    with transaction(engine) as session:
        row = trackers.tracker(channel, session=session)
        if answer.gone:
            row.canvas_id, row.content_hash = None, None  # deleted in Slack: made again
        return record(row, answer, content, now, session=session)


def under_way(row: TrackerCanvas, now: datetime) -> bool:
    """A create claimed moments ago may still be in flight (another clock's): leave it be."""
    recent = row.claimed_at is not None and row.claimed_at > now - SETTLE_AFTER
    return row.canvas_id is None and row.creating and recent


def content_of(
    partnership_ids: list[int], now: datetime, row: TrackerCanvas, *, session: Session
) -> Content:
    """The channel's content, built only when what it is made from changed since last drawn."""
    partnerships = [session.get(Partnership, pid) for pid in partnership_ids]
    found = [p for p in partnerships if p is not None]
    inputs = "|".join(tracker_inputs(p, now, session=session) for p in found)
    if row.canvas_id and row.content_hash and row.inputs == inputs:
        return Content(inputs)
    markdown = PARTS.join(tracker_markdown(p, now, session=session) for p in found)
    return Content(inputs, markdown)


def settle(engine: Engine, keeper: CanvasKeeper, channel: str) -> str | None:
    """After a create whose outcome is unknown, the canvas it may have made (None: go on)."""
    answer = keeper.find(channel)
    if answer.canvas_id is not None:
        adopt(engine, channel, answer.canvas_id)
        return answer.canvas_id
    if answer.error is not None:
        with transaction(engine) as session:
            note_error(trackers.tracker(channel, session=session), answer.error)
        raise Unsettled(answer.error)
    return None


class Unsettled(Exception):
    """The channel's canvas could not be looked up; the next tick tries again."""


def create(
    engine: Engine,
    now: datetime,
    keeper: CanvasKeeper,
    channel: str,
    content: Content,
    *,
    maybe_ours: bool,
) -> bool:
    with transaction(engine) as session:  # claimed before Slack is called: one creator
        if not trackers.claim_create(channel, now, now - SETTLE_AFTER, session=session):
            return False
    assert content.markdown is not None
    answer = keeper.create(channel, content.markdown)
    if answer.taken and maybe_ours:  # an earlier create of ours may have gone through after all
        found = keeper.find(channel)
        answer = CanvasAnswer(error=found.error or answer.error, uncertain=not found.canvas_id)
        if found.canvas_id:
            adopt(engine, channel, found.canvas_id)  # drawn on the next tick
            return False
    with transaction(engine) as session:
        row = trackers.tracker(channel, session=session)
        row.creating = answer.uncertain
        if answer.taken:
            return switch_off(row, "channel_canvas_already_exists", now, session=session)
        if answer.canvas_id is not None:
            row.canvas_id = answer.canvas_id
        return record(row, answer, content, now, session=session)


def adopt(engine: Engine, channel: str, canvas_id: str) -> None:
    """The channel's canvas is the one our uncertain create made; what it shows is unknown."""
    with transaction(engine) as session:
        row = trackers.tracker(channel, session=session)
        row.canvas_id, row.creating, row.content_hash = canvas_id, False, None


def record(
    row: TrackerCanvas, answer: CanvasAnswer, content: Content, now: datetime, *, session: Session
) -> bool:
    """Write down what a create or an edit came to; True when the canvas shows the content."""
    if answer.off:
        return switch_off(row, answer.error or "canvas_not_allowed", now, session=session)
    if answer.error is not None:
        note_error(row, answer.error)
        return False
    if row.last_error is not None:
        log.info("the tracker canvas of %s is drawn again (%s)", row.channel, row.last_error)
    row.content_hash, row.inputs, row.refreshed_at, row.last_error = (
        content.digest,
        content.inputs,
        now,
        None,
    )
    return True


def switch_off(row: TrackerCanvas, reason: str, now: datetime, *, session: Session) -> bool:
    session.flush()
    if trackers.turn_off(row.channel, reason, now, session=session):
        log.warning(
            "the tracker canvas of %s is off: %s; the digest carries on without it",
            row.channel,
            reason,
        )
    return False


def note_error(row: TrackerCanvas, error: str) -> None:
    """Kept for the next tick's try; logged when it first appears, not on every tick."""
    if row.last_error != error[:300]:
        log.warning("the tracker canvas of %s: %s; trying again next tick", row.channel, error)
    row.last_error = error[:300]
