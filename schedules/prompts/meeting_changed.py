"""Meeting changed: a meeting moved or cancelled by its board's calendar feed, told to the channel
and to the board's guests.

Planned from the audit entries an import writes, so the message goes once (the outbox's key)
whether the import ran from the CLI, a slash command or the clock's own refresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedules import calendar
from schedules.feeds.sync import CANCELLED, MOVED, REINSTATED, TOLD_TO_THE_CHANNEL
from schedules.meeting_times import moment_label
from schedules.prompts.audience import guest_recipients, guests_of
from schedules.prompts.base import CHANNEL, Prompt, Recipient
from storage.models import AuditEntry, Partnership
from storage.queries.audit import actions_between

KIND = "meeting_changed"
LOOK_BACK = timedelta(days=8)  # older changes would be folded into nothing: the outbox skips them
HEADINGS = {MOVED: "moved", CANCELLED: "cancelled", REINSTATED: "back on"}


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    assert partnership.id is not None
    changes = actions_between(
        partnership.id, TOLD_TO_THE_CHANNEL, now - LOOK_BACK, now, session=session
    )
    return [
        prompt
        for entry in changes
        if entry.after
        for prompt in notices(entry, partnership.protocol)
    ]


def notices(entry: AuditEntry, protocol: dict[str, Any]) -> list[Prompt]:
    """The change told to the board's channel and to its guests."""
    board = str((entry.after or {}).get("board", ""))
    guests = guest_recipients(guests_of(protocol, board))
    return [notice(entry, recipient) for recipient in [Recipient(CHANNEL, board), *guests]]


def notice(entry: AuditEntry, recipient: Recipient | None = None) -> Prompt:
    after: dict[str, Any] = entry.after or {}
    board = str(after.get("board", ""))
    heading = HEADINGS[entry.action]
    return Prompt(
        KIND,
        calendar.london_date(entry.at),
        subject=f"meeting:{entry.entity_id}:change:{entry.id}",
        recipient=recipient or Recipient(CHANNEL, board),
        title=f"{board.upper()} meeting {heading}",
        text=notice_text(entry, board, after),
        extra={"meeting_id": entry.entity_id},
    )


def notice_text(entry: AuditEntry, board: str, after: dict[str, Any]) -> str:
    name = f"{board.upper()} meeting #{entry.entity_id}"
    when = said_when(after)
    venue = f", {after['venue']}" if after.get("venue") else ""
    if entry.action == CANCELLED:
        gone = "no longer" in str(after.get("why", ""))
        why = "no longer lists it" if gone else "says so"
        return f"{name} on {when}{venue} is cancelled: the board's calendar feed {why}."
    if entry.action == REINSTATED:
        return f"{name} is back on, as the board's calendar feed says: {when}{venue}."
    was = said_when(entry.before or {})
    return f"{name} has moved, as the board's calendar feed says: now {when}{venue} (was {was})."


def said_when(fields: dict[str, Any]) -> str:
    starts = fields.get("starts_at")
    if not starts:
        return "an unknown time"
    return moment_label(datetime.fromisoformat(starts), all_day=bool(fields.get("all_day")))
