"""Boards' feed subscriptions: subscribe, unsubscribe, and the clock's hourly re-reads.

The clock re-reads a feed at most hourly, and no more often than the feed's own REFRESH-INTERVAL
or X-PUBLISHED-TTL allows, with a conditional GET. A failing read changes no meeting; it is
recorded on the subscription, and after FAILURES_SHOWN in a row the digest shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col

from schedules import calendar
from schedules.feeds.fetch import FeedError, Fetched, fetch
from schedules.feeds.read import read_feed
from schedules.feeds.sync import ImportReport, apply_feed
from storage.db import transaction
from storage.errors import BoardbotError
from storage.models import Board, FeedSubscription
from storage.queries.audit import Auditor
from storage.queries.feeds import due_for_reading, followed, subscription_of
from storage.upsert import update_one_if

log = logging.getLogger(__name__)
Fetcher = Callable[..., Fetched]  # fetch(url, etag=..., last_modified=...)
HOURLY = timedelta(hours=1)
LONGEST = timedelta(days=7)  # however long a feed's TTL, it is read at least weekly
FAILURES_SHOWN = 3
PER_TICK = 20  # feeds read in one tick; the rest wait for the next
CLOCK_ACTOR = "clock"


@dataclass
class RefreshReport:
    read: int = 0
    not_modified: int = 0
    failed: int = 0


def next_read(now: datetime, refresh: timedelta | None) -> datetime:
    return now + min(max(HOURLY, refresh or HOURLY), LONGEST)


def subscribe(
    board: Board,
    url: str,
    *,
    match: str,
    now: datetime,
    actor: str,
    session: Session,
    fetcher: Fetcher = fetch,
) -> tuple[FeedSubscription, ImportReport]:
    """Read the feed now (a FeedError if it fails, and nothing is stored), then follow it."""
    fetched = fetcher(url)
    assert fetched.body is not None
    feed = read_feed(fetched.body, now)
    report = apply_feed(board, feed, source=url, now=now, actor=actor, session=session, match=match)
    assert board.id is not None
    found = subscription_of(board.id, session=session)
    before = {"url": found.url, "match": found.match} if found else None
    subscription = found or FeedSubscription(
        board_id=board.id, url=url, next_refresh_at=now, created_by=actor[:40], created_at=now
    )
    subscription.url, subscription.match = url, match
    refreshed(
        subscription, fetched, now, int(feed.refresh.total_seconds()) if feed.refresh else None
    )
    subscription.last_result = report.summary()[:300]
    session.add(subscription)
    session.flush()
    after = {"board": board.key, "url": url, "match": match}
    auditor = Auditor(session, now, actor, board.partnership_id)
    auditor.record(
        "feed.subscribed", "feedsubscription", subscription.id, before=before, after=after
    )
    return subscription, report


def unsubscribe(board: Board, *, now: datetime, actor: str, session: Session) -> FeedSubscription:
    """Stop following the feed; the meetings it brought stay as they are."""
    found = subscription_of(board.id, session=session)
    if found is None:
        raise BoardbotError(f"{board.key.upper()} does not follow a calendar feed")
    before = {"board": board.key, "url": found.url, "match": found.match}
    auditor = Auditor(session, now, actor, board.partnership_id)
    auditor.record("feed.unsubscribed", "feedsubscription", found.id, before=before)
    session.delete(found)
    return found


def refreshed(
    subscription: FeedSubscription, fetched: Fetched, now: datetime, refresh_seconds: int | None
) -> None:
    subscription.etag, subscription.last_modified = fetched.etag, fetched.last_modified
    subscription.refresh_seconds = refresh_seconds
    subscription.consecutive_failures, subscription.last_error = 0, None
    subscription.last_checked_at = subscription.last_read_at = now
    refresh = timedelta(seconds=refresh_seconds) if refresh_seconds else None
    subscription.next_refresh_at = next_read(now, refresh)


def refresh_due_feeds(
    engine: Engine, now: datetime, *, fetcher: Fetcher = fetch, limit: int = PER_TICK
) -> RefreshReport:
    """Re-read the feeds whose time has come; one feed's failure never stops the others."""
    report = RefreshReport()
    with Session(engine) as session:
        due = due_for_reading(now, session=session, limit=limit)
    for subscription_id in due:
        if claim(engine, subscription_id, now):
            refresh_one(engine, subscription_id, now, fetcher, report)
    return report


def claim(engine: Engine, subscription_id: int, now: datetime) -> bool:
    """Push the next read an hour on; only the clock whose update wins reads the feed now."""
    with transaction(engine) as session:
        return update_one_if(
            FeedSubscription,
            subscription_id,
            col(FeedSubscription.next_refresh_at) <= now,
            session=session,
            next_refresh_at=now + HOURLY,
            last_checked_at=now,
        )


def refresh_one(
    engine: Engine, subscription_id: int, now: datetime, fetcher: Fetcher, report: RefreshReport
) -> None:
    with Session(engine) as session:
        found = session.get(FeedSubscription, subscription_id)
        if found is None:
            return
        url, etag, last_modified = found.url, found.etag, found.last_modified
    try:
        fetched = fetcher(url, etag=etag, last_modified=last_modified)
        with transaction(engine) as session:
            read_into(session, subscription_id, fetched, now)
    except FeedError as failure:
        failed(engine, subscription_id, str(failure))
        report.failed += 1
        return
    except Exception as failure:  # one feed's bug must not stop the clock
        log.exception("reading calendar feed %s failed", subscription_id)
        failed(engine, subscription_id, f"unexpected error ({type(failure).__name__})")
        report.failed += 1
        return
    report.read += fetched.body is not None
    report.not_modified += fetched.body is None


def read_into(session: Session, subscription_id: int, fetched: Fetched, now: datetime) -> None:
    subscription = session.get(FeedSubscription, subscription_id)
    board = session.get(Board, subscription.board_id) if subscription else None
    if subscription is None or board is None:
        return
    if fetched.body is None:
        refreshed(subscription, fetched, now, subscription.refresh_seconds)
        subscription.last_result = "not changed since the last read"
        return
    feed = read_feed(fetched.body, now)
    result = apply_feed(
        board,
        feed,
        source=subscription.url,
        now=now,
        actor=CLOCK_ACTOR,
        session=session,
        match=subscription.match,
    )
    refresh = int(feed.refresh.total_seconds()) if feed.refresh else None
    refreshed(subscription, fetched, now, refresh)
    subscription.last_result = result.summary()[:300]


def failed(engine: Engine, subscription_id: int, error: str) -> None:
    with transaction(engine) as session:
        subscription = session.get(FeedSubscription, subscription_id)
        if subscription is not None:
            subscription.consecutive_failures += 1
            subscription.last_error = error[:300]


def failing(
    *, session: Session, partnership_id: int | None = None
) -> list[tuple[Board, FeedSubscription]]:
    """Subscriptions whose last FAILURES_SHOWN reads or more all failed, board by board."""
    return followed(session=session, partnership_id=partnership_id, failing_at_least=FAILURES_SHOWN)


def failure_line(board: Board, subscription: FeedSubscription) -> str:
    """'HWB's calendar feed: 4 failed reads in a row (the feed answered HTTP 500 …)'."""
    since = subscription.last_read_at
    last = f"; last read {calendar.short_date(calendar.london_date(since))}" if since else ""
    return (
        f"{board.key.upper()}'s calendar feed: {subscription.consecutive_failures} failed reads "
        f"in a row ({subscription.last_error}){last}"
    )
