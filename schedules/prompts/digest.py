"""Weekly digest: Monday 09:00 (or the next working day) to each partnership's digest channel."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from schedules import calendar
from schedules.digest import build_digest, week_start
from schedules.ledger import ledger_key
from schedules.prompts.base import DIGEST, Prompt, Recipient
from storage.models import Partnership
from storage.queries.outbox import id_of_key

KIND = "digest"


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    today = calendar.london_date(now)
    send_on = calendar.on_or_after(week_start(today))
    if today < send_on or not partnership.digest_channel:
        return []
    if send_on < today - timedelta(days=3):
        return []  # a digest more than a few days late is not worth sending; next week's will come
    subject = f"digest:{partnership.key}:{send_on.isoformat()}"
    key = ledger_key(KIND, subject, send_on, partnership.digest_channel)
    if id_of_key(key, session=session) is not None:
        return []  # building a digest costs queries: do it once a week, not every tick
    digest = build_digest(partnership, now, session=session)
    return [
        Prompt(
            KIND,
            send_on,
            subject=subject,
            recipient=Recipient(DIGEST),
            title=f"Weekly digest: {partnership.name}",
            text=digest.text(),
            extra={"digest": digest.as_payload()},
        )
    ]
