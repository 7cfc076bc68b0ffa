"""The clock re-reads boards' feeds hourly (or as seldom as a feed asks), and records failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from schedules.clock import tick
from schedules.digest import build_digest
from schedules.feeds.fetch import FeedError, Fetched, fetch
from schedules.feeds.subscriptions import (
    refresh_due_feeds,
    subscribe,
    unsubscribe,
)
from storage.models import Board, FeedSubscription, Meeting, Partnership
from storage.queries.boards import board_by_key
from storage.queries.feeds import subscription_of
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import NOW, bind_rutland
from tests.schedules.clock_helpers import RecordingSender
from tests.schedules.feed_server import Answer, FeedServer, feed_bytes, feed_server

ETAG = '"v1"'
MATCH = "Health and Well-Being Board"


@pytest.fixture
def rutland(engine: Engine) -> Engine:
    with Session(engine) as session:
        bind_rutland(session)
    return engine


@pytest.fixture
def server() -> object:
    with feed_server() as running:
        running.answers["/c.ics"] = Answer(feed_bytes("committees.ics"), etag=ETAG)
        yield running


def board(session: Session, key: str = "hwb") -> Board:
    partnership = partnership_by_key("rutland", session=session)
    assert partnership and partnership.id
    found = board_by_key(partnership.id, key, session=session)
    assert found
    return found


def follow(engine: Engine, server: FeedServer, now: datetime = NOW) -> None:
    with Session(engine) as session:
        subscribe(
            board(session), server.url("/c.ics"), match=MATCH, now=now, actor="U0HWBBM",
            session=session,
        )  # fmt: skip
        session.commit()


def subscription(engine: Engine) -> FeedSubscription:
    with Session(engine) as session:
        found = subscription_of(board(session).id, session=session)
        assert found
        return found


def meeting_rows(engine: Engine) -> list[tuple[object, ...]]:
    with Session(engine) as session:
        rows = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
        return [(m.id, m.starts_at, m.status, m.sequence) for m in rows]


def test_subscribing_reads_the_feed_at_once_and_schedules_the_next_read(
    rutland: Engine, server: FeedServer
) -> None:
    follow(rutland, server)
    found = subscription(rutland)
    assert len(meeting_rows(rutland)) == 7
    assert (found.etag, found.refresh_seconds, found.consecutive_failures) == (ETAG, 6 * 3600, 0)
    assert found.next_refresh_at == NOW + timedelta(hours=6)  # the feed's X-PUBLISHED-TTL
    assert found.last_result and found.last_result.startswith("created 7, moved 0")


def test_the_clock_reads_no_sooner_than_the_feed_allows_then_asks_conditionally(
    rutland: Engine, server: FeedServer
) -> None:
    follow(rutland, server)
    assert refresh_due_feeds(rutland, NOW + timedelta(hours=5)).read == 0
    assert len(server.requests_to("/c.ics")) == 1
    report = refresh_due_feeds(rutland, NOW + timedelta(hours=6))
    assert (report.read, report.not_modified) == (0, 1)
    request = server.requests_to("/c.ics")[-1]
    assert request["If-None-Match"] == ETAG
    assert subscription(rutland).next_refresh_at == NOW + timedelta(hours=12)


def test_a_feed_without_a_ttl_is_read_hourly_and_a_change_is_followed(
    rutland: Engine, server: FeedServer
) -> None:
    plain = feed_bytes("committees.ics").replace(b"X-PUBLISHED-TTL:PT6H\n", b"")
    server.answers["/c.ics"] = Answer(plain, etag=ETAG)
    follow(rutland, server)
    assert subscription(rutland).next_refresh_at == NOW + timedelta(hours=1)
    later = feed_bytes("committees-later.ics").replace(b"X-PUBLISHED-TTL:PT6H\n", b"")
    server.answers["/c.ics"] = Answer(later, etag='"v2"')
    report = refresh_due_feeds(rutland, NOW + timedelta(hours=1))
    assert report.read == 1
    found = subscription(rutland)
    assert found.etag == '"v2"' and found.last_result
    assert found.last_result.startswith("created 0, moved 1, cancelled 2, unchanged 4")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Answer(b"down for maintenance", status=500), "HTTP 500"),
        (Answer(b"<html>Sign in</html>", headers={"Content-Type": "text/html"}), "not iCalendar"),
        (Answer(stall=True), "did not answer"),
    ],
)
def test_a_failing_feed_changes_nothing_and_three_in_a_row_reach_the_digest(
    rutland: Engine, server: FeedServer, answer: Answer, said: str
) -> None:
    follow(rutland, server)
    before = meeting_rows(rutland)
    server.answers["/c.ics"] = answer

    def quick(url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        return fetch(url, etag=etag, last_modified=last_modified, timeout=0.2)

    for hour in (6, 7, 8):
        report = refresh_due_feeds(rutland, NOW + timedelta(hours=hour), fetcher=quick)
        assert report.failed == 1
        with Session(rutland) as session:
            digest = build_digest(session.exec(select(Partnership)).one(), NOW, session=session)
        shown = {s.title: s.items for s in digest.sections}["Calendar feeds that cannot be read"]
        assert bool(shown) == (hour == 8)
    assert meeting_rows(rutland) == before
    found = subscription(rutland)
    assert found.consecutive_failures == 3 and said in (found.last_error or "")
    assert said in shown[0] and shown[0].startswith("HWB's calendar feed: 3 failed reads in a row")
    server.answers["/c.ics"] = Answer(feed_bytes("committees.ics"), etag='"v3"')
    assert refresh_due_feeds(rutland, NOW + timedelta(hours=9)).read == 1
    assert subscription(rutland).consecutive_failures == 0


def test_subscribing_to_a_failing_feed_is_refused_and_stores_nothing(
    rutland: Engine, server: FeedServer
) -> None:
    server.answers["/c.ics"] = Answer(b"nope", status=404)
    with Session(rutland) as session, pytest.raises(FeedError, match="HTTP 404"):
        subscribe(
            board(session), server.url("/c.ics"), match="", now=NOW, actor="U0HWBBM",
            session=session,
        )  # fmt: skip
    assert meeting_rows(rutland) == []


def test_the_clocks_tick_reads_due_feeds_and_tells_the_channel(
    rutland: Engine, server: FeedServer
) -> None:
    follow(rutland, server)
    server.answers["/c.ics"] = Answer(feed_bytes("committees-later.ics"), etag='"v2"')
    tuesday = datetime(2026, 11, 24, 10, tzinfo=UTC)
    sender = RecordingSender()
    tick(rutland, tuesday, sender)
    tick(rutland, tuesday + timedelta(minutes=5), sender)
    told = [row for row in sender.sent if row.kind == "meeting_changed"]
    assert len(told) == 3 and {row.recipient for row in told} == {"C0HWB"}
    assert len(server.requests_to("/c.ics")) == 2  # subscribing, then one tick; not the second


def test_unsubscribing_keeps_the_meetings(rutland: Engine, server: FeedServer) -> None:
    follow(rutland, server)
    with Session(rutland) as session:
        unsubscribe(board(session), now=NOW, actor="U0HWBBM", session=session)
        session.commit()
        assert subscription_of(board(session).id, session=session) is None
    assert len(meeting_rows(rutland)) == 7
    assert refresh_due_feeds(rutland, NOW + timedelta(days=1)).read == 0
