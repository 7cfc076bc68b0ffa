"""The prompt ledger: each prompt is recorded once, claimed by one sender, and sent at most once.

Statuses: pending (to send), sending (claimed; in flight), sent, failed (permanent Slack
error, surfaced in the digest and `boardbot outbox`), folded (missed so long ago that the digest
carries it instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Notification

PENDING, SENDING, SENT, FAILED, FOLDED = "pending", "sending", "sent", "failed", "folded"
STALE_CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8


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
    status: str = PENDING
    error: str | None = None


def ledger_key(kind: str, subject: str, due_on: date, recipient: str) -> str:
    return f"{kind}|{subject}|{due_on.isoformat()}|{recipient}"


def record(entries: list[Entry], now: datetime, *, session: Session) -> int:
    """Insert the entries whose key is new; an existing key is left alone. Returns inserted."""
    if not entries:
        return 0
    rows = [
        {
            "key": e.key,
            "partnership_id": e.partnership_id,
            "kind": e.kind,
            "subject": e.subject,
            "due_on": e.due_on,
            "recipient": e.recipient,
            "recipient_label": e.recipient_label,
            "payload": e.payload,
            "status": e.status,
            "attempts": 0,
            "next_attempt_at": e.send_after,
            "late": e.late,
            "last_error": e.error,
            "created_at": now,
        }
        for e in entries
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Notification).values(rows).on_conflict_do_nothing(index_elements=["key"])
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def due_ids(now: datetime, *, session: Session, limit: int = 500) -> list[int]:
    query = (
        select(Notification.id)
        .where(Notification.status == PENDING, col(Notification.next_attempt_at) <= now)
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def claim(notification_id: int, now: datetime, *, session: Session) -> bool:
    """Mark one row in flight; exactly one caller wins (the conditional UPDATE).

    The caller commits before sending, so that the claim is visible to every other clock."""
    result = session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id, col(Notification.status) == PENDING)
        .values(status=SENDING, claimed_at=now, attempts=Notification.attempts + 1)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def stale_claims(now: datetime, *, session: Session) -> list[Notification]:
    query = select(Notification).where(
        Notification.status == SENDING, col(Notification.claimed_at) <= now - STALE_CLAIM
    )
    return list(session.exec(query))


def mark_sent(row: Notification, channel: str, ts: str, now: datetime) -> None:
    row.status, row.slack_channel, row.slack_ts, row.sent_at = SENT, channel, ts, now
    row.last_error = None


def mark_retry(row: Notification, error: str, now: datetime, retry_after: float | None) -> None:
    """Back to pending with backoff; after MAX_ATTEMPTS it fails for a person to look at."""
    if row.attempts >= MAX_ATTEMPTS:
        mark_failed(row, f"gave up after {row.attempts} attempts: {error}")
        return
    backoff = retry_after if retry_after is not None else min(3600, 30 * 2 ** (row.attempts - 1))
    row.status, row.last_error = PENDING, error[:300]
    row.next_attempt_at = now + timedelta(seconds=backoff)


def mark_failed(row: Notification, error: str) -> None:
    row.status, row.last_error = FAILED, error[:300]


def requeue(row: Notification, now: datetime) -> None:
    row.status, row.next_attempt_at, row.last_error = PENDING, now, None


def listing(
    *, session: Session, statuses: tuple[str, ...] = (PENDING, SENDING, FAILED), limit: int = 200
) -> list[Notification]:
    query = (
        select(Notification)
        .where(col(Notification.status).in_(statuses))
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(limit)
    )
    return list(session.exec(query))
