"""GET /calendar/TOKEN.ics over real HTTP: the calendar, 304 for an ETag it has, 404 otherwise."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import icalendar
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.calendar_feed import with_calendar_feeds
from bot.web import create_wsgi_app
from schedules.feeds import tokens
from storage.db import make_engine
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from tests.bot.conftest import SECRET, TOKEN, Served
from tests.commands.conftest import NOW, bind_rutland


def get(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, dict(refused.headers.items()), refused.read()


def not_found(environ: dict[str, object], start_response: object) -> list[bytes]:
    assert callable(start_response)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"the rest of the app"]


@pytest.fixture
def calendars(database_url: str) -> Iterator[tuple[str, Engine]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        bind_rutland(session)
        session.commit()
    served = Served(with_calendar_feeds(not_found, engine, now=lambda: NOW))
    try:
        yield served.url, engine
    finally:
        served.stop()
        engine.dispose()


def token(engine: Engine, board_key: str | None = "hwb") -> str:
    with Session(engine) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership and partnership.id
        board = board_by_key(partnership.id, board_key, session=session) if board_key else None
        made = tokens.token_for(partnership, board, now=NOW, actor="cli", session=session)
        session.commit()
        return made.token


def test_it_serves_a_boards_calendar_and_answers_its_etag_with_304(
    calendars: tuple[str, Engine],
) -> None:
    base, engine = calendars
    url = base + tokens.feed_path(token(engine))
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-CALNAME"]) == "HWB meetings and deadlines"
    etag = headers["ETag"]
    again = get(url, **{"If-None-Match": etag})
    assert again[0] == 304 and again[2] == b"" and again[1]["ETag"] == etag
    assert get(url, **{"If-None-Match": f'W/{etag}, "other"'})[0] == 304
    assert get(url, **{"If-None-Match": '"stale"'})[0] == 200
    head = get(url, method="HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["ETag"] == etag


def test_an_unknown_or_revoked_token_gets_a_bare_404(calendars: tuple[str, Engine]) -> None:
    base, engine = calendars
    made = token(engine, None)
    assert get(base + tokens.feed_path(made))[0] == 200
    with Session(engine) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership
        assert tokens.revoke(partnership, None, now=NOW, actor="cli", session=session)
        session.commit()
    for path in (tokens.feed_path(made), tokens.feed_path("A" * 32), "/calendar/../x.ics"):
        status, headers, body = get(base + path)
        assert (status, body) == (404, b"not found")
        assert "ETag" not in headers
    assert get(base + "/slack/events")[2] == b"the rest of the app"


def test_only_get_and_head_are_answered(calendars: tuple[str, Engine]) -> None:
    base, engine = calendars
    request = urllib.request.Request(
        base + tokens.feed_path(token(engine)), data=b"x", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 405
    refused.value.close()


def test_the_web_process_serves_calendars_beside_slack(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        bind_rutland(session)
        session.commit()
    made = token(engine)
    engine.dispose()
    for name, value in {
        "DATABASE_URL": sqlite_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    served = Served(create_wsgi_app())
    try:
        assert get(served.url + tokens.feed_path(made))[0] == 200
        assert get(served.url + "/healthz")[0] == 200
    finally:
        served.stop()
