"""Retention: delivery bookkeeping is deleted after a configurable period.

The governance record itself (duties, minute shares, agenda requests, escalations and the
audit log) is the evidence an inspector asks for, and is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models import OutboxPrompt, SlackDelivery
from storage.status import PromptStatus

DELIVERY_IDS_KEPT = timedelta(days=7)  # Slack retries an event for minutes, never days


def purge(now: datetime, keep: timedelta, *, session: Session) -> int:
    """Delete finished prompts older than `keep` and old event ids; return how many rows."""
    prompts = session.execute(
        delete(OutboxPrompt).where(
            col(OutboxPrompt.status).in_([s for s in PromptStatus if s.finished]),
            col(OutboxPrompt.next_attempt_at) < now - keep,
        )
    )
    deliveries = session.execute(
        delete(SlackDelivery).where(col(SlackDelivery.received_at) < now - DELIVERY_IDS_KEPT)
    )
    return int(getattr(prompts, "rowcount", 0) or 0) + int(getattr(deliveries, "rowcount", 0) or 0)
