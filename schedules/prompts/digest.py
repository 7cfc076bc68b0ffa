"""Weekly digest: Monday 09:00 (or the next working day) to each partnership's digest channel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from schedules import calendar
from schedules.digest import Digest, build_digest, week_start
from schedules.outbox import Entry, prompt_key
from schedules.prompts.base import DIGEST, Prompt, Recipient
from schedules.prompts.payload import payload_of
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
    assert partnership.id is not None
    subject = f"digest:{partnership.key}:{send_on.isoformat()}"
    key = prompt_key(partnership.id, KIND, subject, send_on, partnership.digest_channel)
    if id_of_key(key, session=session) is not None:
        return []  # building a digest costs queries: do it once a week, not every tick
    return [
        digest_prompt(
            partnership, build_digest(partnership, now, session=session), send_on, subject
        )
    ]


def digest_prompt(partnership: Partnership, digest: Digest, send_on: date, subject: str) -> Prompt:
    return Prompt(
        KIND,
        send_on,
        subject=subject,
        recipient=Recipient(DIGEST),
        title=f"Weekly digest: {partnership.name}",
        text=digest.text(),
        extra={"digest": digest.as_payload()},
    )


def on_demand(partnership: Partnership, digest: Digest, now: datetime, *, stamp: datetime) -> Entry:
    """A digest posted by hand (`boardbot digest --post`) at `stamp`: an outbox row of its own,
    so that it is never confused with Monday's."""
    assert partnership.id is not None and partnership.digest_channel is not None
    subject = f"digest-on-demand:{partnership.key}:{stamp.isoformat()}"
    day = calendar.london_date(now)
    prompt = digest_prompt(partnership, digest, day, subject)
    return Entry(
        key=prompt_key(partnership.id, KIND, subject, day, partnership.digest_channel),
        partnership_id=partnership.id,
        kind=KIND,
        subject=subject,
        due_on=day,
        recipient=partnership.digest_channel,
        recipient_label="digest",
        payload=payload_of(prompt, late=False).stored(),
        send_after=stamp,
    )
