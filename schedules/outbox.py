"""The outbox: each prompt is recorded once, claimed by one sender, and sent at most once.

Statuses: pending (to send), sending (claimed; in flight), sent, failed (permanent Slack
error, or an outcome that could not be settled; surfaced in the digest and `boardbot outbox`),
folded (missed so long ago that the digest carries it instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from storage.models import OutboxPrompt
from storage.queries import outbox
from storage.status import PromptStatus

PENDING, SENDING, SENT = PromptStatus.PENDING, PromptStatus.SENDING, PromptStatus.SENT
FAILED, FOLDED = PromptStatus.FAILED, PromptStatus.FOLDED
STALE_CLAIM = timedelta(minutes=5)  # a claim this old without an answer is looked up in Slack
UNRESOLVED_LIMIT = timedelta(days=1)  # an in-flight prompt not settled by then is failed
MAX_ATTEMPTS = 8
MAX_BACKOFF = 3600  # seconds
LOOKUP_FAILED = "; look-up failed: "


@dataclass(frozen=True)
class Entry:
    """A prompt resolved to one Slack recipient, ready to record."""

    key: str
    partnership_id: int
    kind: str
    subject: str
    due_on: date
    recipient: str
    recipient_label: str
    payload: dict[str, Any]
    send_after: datetime
    late: bool = False
    status: PromptStatus = PENDING
    error: str | None = None

    def row(self, now: datetime) -> dict[str, Any]:
        return {
            "key": self.key,
            "partnership_id": self.partnership_id,
            "kind": self.kind,
            "subject": self.subject,
            "due_on": self.due_on,
            "recipient": self.recipient,
            "recipient_label": self.recipient_label,
            "payload": self.payload,
            "status": self.status,
            "attempts": 0,
            "next_attempt_at": self.send_after,
            "late": self.late,
            "last_error": self.error,
            "created_at": now,
        }


def prompt_key(partnership_id: int, kind: str, subject: str, due_on: date, recipient: str) -> str:
    """The prompt's one key: the partnership comes first, as two partnerships sharing a board
    send to one channel and their duties' keys may be alike."""
    return f"{partnership_id}|{kind}|{subject}|{due_on.isoformat()}|{recipient}"


def record(entries: Sequence[Entry], now: datetime, *, session: Session) -> int:
    """Insert the entries whose key is new; an existing key is left alone. Returns how many
    rows were inserted (a catch-up after long downtime can hold thousands: in batches)."""
    return outbox.record([entry.row(now) for entry in entries], session=session)


def release(row: OutboxPrompt) -> None:
    """Undo a claim that never reached Slack's decision (the token was refused): the row is
    pending again as it was, and the attempt is not counted."""
    row.status, row.attempts = PENDING, max(0, row.attempts - 1)


def stale_claims(
    now: datetime, *, session: Session, team_id: str | None = None
) -> list[OutboxPrompt]:
    """Rows in flight longer than STALE_CLAIM, oldest claim first (of one workspace's)."""
    return outbox.claimed_before(now - STALE_CLAIM, session=session, team_id=team_id)


def mark_sent(row: OutboxPrompt, channel: str, ts: str, now: datetime) -> None:
    row.status, row.slack_channel, row.slack_ts, row.sent_at = SENT, channel, ts, now
    row.last_error = None


def backoff(attempts: int) -> timedelta:
    """30 s after the first attempt, doubling, at most an hour."""
    return timedelta(seconds=min(MAX_BACKOFF, 30 * 2 ** max(0, attempts - 1)))


def mark_retry(row: OutboxPrompt, error: str, now: datetime, retry_after: float | None) -> None:
    """Back to pending: after Slack's Retry-After when it gave one, else with backoff; after
    MAX_ATTEMPTS it fails for a person to look at."""
    if row.attempts >= MAX_ATTEMPTS:
        mark_failed(row, f"gave up after {row.attempts} attempts: {error}")
        return
    wait = timedelta(seconds=retry_after) if retry_after is not None else backoff(row.attempts)
    row.status, row.last_error = PENDING, error[:300]
    row.next_attempt_at = now + wait


def mark_uncertain(row: OutboxPrompt, error: str) -> None:
    """Slack may have posted it: it stays in flight until its key is looked up in the channel."""
    row.last_error = error[:300]


def resend(row: OutboxPrompt, now: datetime) -> None:
    """An in-flight row Slack has no trace of goes out again, within MAX_ATTEMPTS."""
    if row.attempts >= MAX_ATTEMPTS:
        mark_failed(row, f"gave up after {row.attempts} attempts: {send_error(row)}")
        return
    row.status, row.next_attempt_at, row.last_error = PENDING, now, send_error(row) or None


def note_lookup_failure(row: OutboxPrompt, reason: str, now: datetime) -> bool:
    """Record why an in-flight row could not be looked up; True when the reason is new.

    Past UNRESOLVED_LIMIT from its claim the row fails with both reasons, never staying in
    flight: a person checks the channel before `boardbot outbox retry`."""
    noted = f"{send_error(row) or 'no answer'}{LOOKUP_FAILED}{reason}"
    if row.claimed_at is not None and now - row.claimed_at >= UNRESOLVED_LIMIT:
        mark_failed(row, f"outcome unknown after a day: {noted}")
        return False
    noted = noted[:300]
    new = row.last_error != noted
    row.last_error = noted
    return new


def send_error(row: OutboxPrompt) -> str:
    """The send's own error, without any look-up failure noted after it."""
    return (row.last_error or "").split(LOOKUP_FAILED)[0]


def mark_failed(row: OutboxPrompt, error: str) -> None:
    row.status, row.last_error = FAILED, error[:300]


def requeue(row: OutboxPrompt, now: datetime) -> None:
    """A person's `boardbot outbox retry`: pending now, with a fresh count of attempts."""
    row.status, row.next_attempt_at, row.last_error, row.attempts = PENDING, now, None, 0
