"""`boardbot meetings import|feeds` and `boardbot calendar url|revoke`, as operators run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import CalendarToken, Meeting
from tests.bot.cli_run import boardbot
from tests.commands.conftest import bind_rutland
from tests.schedules.feed_server import FEEDS, Answer, feed_server

HWB = "Health and Well-Being Board"


@pytest.fixture
def env(sqlite_url: str) -> dict[str, str]:
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        bind_rutland(session)
    engine.dispose()
    return {"DATABASE_URL": sqlite_url}


def meetings(env: dict[str, str]) -> list[Meeting]:
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        found = list(session.exec(select(Meeting)))
    engine.dispose()
    return found


def test_it_imports_a_file_with_counts_and_reasons_and_again_changes_nothing(
    env: dict[str, str],
) -> None:
    feed = str(FEEDS / "committees.ics")
    first = boardbot("meetings", "import", "hwb", feed, "--match", HWB, env=env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith(f"HWB from {feed}: created ")
    assert "skipped" in lines[0]
    assert f"  skipped 3 not matching '{HWB}'" in lines
    count = len(meetings(env))
    assert count > 0
    again = boardbot(
        "meetings", "import", "HWB", feed, "--match", HWB, "--partnership", "rutland", env=env
    )
    assert again.returncode == 0
    assert f"created 0, moved 0, cancelled 0, unchanged {count}" in again.stdout
    assert len(meetings(env)) == count


def test_a_feed_that_fails_changes_nothing_says_one_line_and_exits_two(
    env: dict[str, str], tmp_path: Path
) -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(b"busy", status=503)
        result = boardbot("meetings", "import", "hwb", server.url("/c.ics"), env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "HTTP 503" in result.stderr and "nothing was changed" in result.stderr
    html = tmp_path / "page.ics"
    html.write_text("<html><body>Please sign in</body></html>")
    result = boardbot("meetings", "import", "hwb", str(html), env=env)
    assert result.returncode == 2 and "not iCalendar" in result.stderr
    assert meetings(env) == []


def test_it_imports_over_http(env: dict[str, str]) -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer((FEEDS / "outlook-without-vtimezone.ics").read_bytes())
        result = boardbot("meetings", "import", "lrsab", server.url("/c.ics"), env=env)
    assert result.returncode == 0, result.stderr
    assert "created 2, moved 0, cancelled 0, unchanged 0, skipped 0" in result.stdout


def test_unknown_boards_and_partnerships_are_named(env: dict[str, str]) -> None:
    feed = str(FEEDS / "committees.ics")
    result = boardbot("meetings", "import", "nope", feed, env=env)
    assert result.returncode == 2 and "no board 'nope' in rutland" in result.stderr
    result = boardbot("meetings", "import", "hwb", feed, "--partnership", "x", env=env)
    assert result.returncode == 2 and "no partnership 'x' (rutland)" in result.stderr


def test_calendar_url_is_stable_and_revoke_ends_it(env: dict[str, str]) -> None:
    public = {**env, "BOARDBOT_PUBLIC_URL": "https://boardbot.example.org/"}
    first = boardbot("calendar", "url", "rutland", "hwb", env=public)
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert url.startswith("https://boardbot.example.org/calendar/") and url.endswith(".ics")
    assert boardbot("calendar", "url", "rutland", "hwb", env=public).stdout.strip() == url
    whole = boardbot("calendar", "url", "rutland", env=public).stdout.strip()
    assert whole != url
    revoked = boardbot("calendar", "revoke", "rutland", "hwb", env=env)
    assert revoked.returncode == 0 and "now answers 404" in revoked.stdout
    assert boardbot("calendar", "url", "rutland", "hwb", env=public).stdout.strip() != url
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        assert len(session.exec(select(CalendarToken)).all()) == 2
    engine.dispose()


def test_calendar_url_needs_the_public_address(env: dict[str, str]) -> None:
    result = boardbot("calendar", "url", "rutland", env=env)
    assert result.returncode == 2 and "BOARDBOT_PUBLIC_URL" in result.stderr


def test_meetings_feeds_lists_each_subscription_and_its_failures(env: dict[str, str]) -> None:
    from datetime import timedelta

    from schedules.feeds.subscriptions import refresh_due_feeds, subscribe
    from storage.queries.boards import board_by_key
    from storage.queries.partnerships import partnership_by_key
    from tests.commands.conftest import NOW

    engine = make_engine(env["DATABASE_URL"])
    with feed_server() as server:
        server.answers["/c.ics"] = Answer((FEEDS / "committees.ics").read_bytes())
        with Session(engine) as session:
            partnership = partnership_by_key("rutland", session=session)
            assert partnership and partnership.id
            board = board_by_key(partnership.id, "hwb", session=session)
            assert board
            subscribe(board, server.url("/c.ics"), match=HWB, now=NOW, actor="U1", session=session)
            session.commit()
        server.answers["/c.ics"] = Answer(b"gone", status=410)
        for hour in (6, 7, 8):
            refresh_due_feeds(engine, NOW + timedelta(hours=hour))
        result = boardbot("meetings", "feeds", env=env)
    engine.dispose()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"rutland HWB: {server.url('/c.ics')} (titles with '{HWB}')"
    assert lines[1].startswith("  last read 2026-11-23 10:00: created 7, moved 0")
    assert lines[3] == "  FAILING 3 failed reads in a row: the feed answered HTTP 410 Gone"
