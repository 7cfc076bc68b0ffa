"""One tick of the clock: recover in-flight prompts, record what is due, claim and send it.

The tick reaches Slack only through the `Sender` passed in; a failing prompt never stops it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from schedules import calendar, ledger
from schedules.feeds.subscriptions import refresh_due_feeds
from schedules.planner import plan_partnership
from storage.db import transaction
from storage.models import Notification, Partnership
from storage.retention import purge as retention_purge

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 4_242_001  # any constant shared by every boardbot clock


@dataclass(frozen=True)
class Delivery:
    """What Slack said: a channel and ts, or an error that is permanent or worth retrying."""

    channel: str | None = None
    ts: str | None = None
    error: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    uncertain: bool = False  # the request may have reached Slack (a timeout, a dropped line)


class Sender(Protocol):
    def send(self, row: Notification) -> Delivery: ...

    def find_sent(self, row: Notification) -> tuple[str, str] | None:
        """(channel, ts) of a message already carrying this row's ledger key, if any."""
        ...


@dataclass(frozen=True)
class QuietHours:
    """Nothing is sent on weekends, bank holidays, or between `start` and `end` London time."""

    start: time = time(18, 0)
    end: time = time(8, 0)

    def allows(self, now: datetime) -> bool:
        local = now.astimezone(calendar.LONDON)
        if not calendar.is_working_day(local.date()):
            return False
        return self.end <= local.time() < self.start


@dataclass
class TickReport:
    recorded: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    purged: int = 0
    standing_by: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.standing_by:
            return "another clock holds the lock; standing by"
        return (
            f"recorded {self.recorded}, sent {self.sent}, retrying {self.retried}, "
            f"failed {self.failed}, recovered {self.recovered}"
        )


def tick(
    engine: Engine,
    now: datetime,
    sender: Sender,
    *,
    quiet: QuietHours | None = None,
    retention: timedelta | None = None,
) -> TickReport:
    report = TickReport()
    with clock_lock(engine) as held:
        if not held:
            report.standing_by = True
            return report
        recover_in_flight(engine, now, sender, report)
        refresh_due_feeds(engine, now)  # before planning, so that its notices go this tick
        record_due(engine, now, report)
        if (quiet or QuietHours()).allows(now):
            send_due(engine, now, sender, report)
        if retention is not None:
            with transaction(engine) as session:
                report.purged = retention_purge(now, retention, session=session)
    return report


@contextmanager
def clock_lock(engine: Engine) -> Iterator[bool]:
    """On PostgreSQL a second clock stands by; elsewhere the ledger's claims keep sends single."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}
            ).scalar()
        )
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            connection.commit()


def recover_in_flight(engine: Engine, now: datetime, sender: Sender, report: TickReport) -> None:
    """A crash between Slack's accept and our 'sent' leaves a row in flight: look, then resend."""
    with transaction(engine) as session:
        stale = ledger.stale_claims(now, session=session)
        for row in stale:
            try:
                found = sender.find_sent(row)
            except Exception:  # an unreadable history must not block the other rows
                log.exception("could not look up prompt %s in Slack", row.id)
                continue
            if found:
                ledger.mark_sent(row, found[0], found[1], now)
            else:
                ledger.requeue(row, now)
            report.recovered += 1


def record_due(engine: Engine, now: datetime, report: TickReport) -> None:
    with Session(engine) as session:
        ids = [p.id for p in session.exec(select(Partnership))]
    for partnership_id in ids:
        try:
            with transaction(engine) as session:
                partnership = session.get(Partnership, partnership_id)
                if partnership is None:
                    continue
                entries = plan_partnership(partnership, now, session=session)
                report.recorded += ledger.record(entries, now, session=session)
        except Exception as exc:  # one partnership's failure must not stop the others
            log.exception("planning partnership %s failed", partnership_id)
            report.errors.append(f"partnership {partnership_id}: {exc}")


def send_due(engine: Engine, now: datetime, sender: Sender, report: TickReport) -> None:
    with Session(engine) as session:
        ids = ledger.due_ids(now, session=session)
    for notification_id in ids:
        send_one(engine, notification_id, now, sender, report)


def send_one(
    engine: Engine, notification_id: int, now: datetime, sender: Sender, report: TickReport
) -> None:
    """Claim one pending row and send it; a lost claim means another clock has it."""
    with Session(engine, expire_on_commit=False) as session:
        won = ledger.claim(notification_id, now, session=session)
        session.commit()  # the claim must be visible before Slack is called
        if not won:
            return
        row = session.get(Notification, notification_id)
        assert row is not None
        try:
            delivery = sender.send(row)
        except Exception as exc:  # a bug in one prompt must not stop the tick
            log.exception("sending prompt %s raised", notification_id)
            delivery = Delivery(error=f"{type(exc).__name__}: {exc}")
        settle(row, delivery, now, report)
        session.add(row)
        session.commit()


def settle(row: Notification, delivery: Delivery, now: datetime, report: TickReport) -> None:
    if delivery.error is None and delivery.channel and delivery.ts:
        ledger.mark_sent(row, delivery.channel, delivery.ts, now)
        report.sent += 1
    elif delivery.permanent:
        ledger.mark_failed(row, delivery.error or "failed")
        report.failed += 1
    elif delivery.uncertain:
        # Stays in flight: recover_in_flight looks for it in Slack before any resend.
        row.last_error = (delivery.error or "no answer")[:300]
        report.retried += 1
    else:
        ledger.mark_retry(row, delivery.error or "no answer", now, delivery.retry_after)
        report.retried += row.status == ledger.PENDING
        report.failed += row.status == ledger.FAILED
