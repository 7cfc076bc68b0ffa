"""The clock against the stand-in Slack over real HTTP: delivered once through every fault."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.sender import SlackSender
from bot.slack_client import clock_client
from schedules import ledger
from schedules.clock import tick
from storage.db import make_engine
from storage.models import Notification
from tests.bot.conftest import TOKEN, settings_for
from tests.commands.conftest import build_workspace

SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)
EXPECTED_POSTS = 9  # 6 window openings, 2 counterpart notices, 1 digest


@pytest.fixture
def rutland(sqlite_url: str) -> Iterator[tuple[Engine, str]]:
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        build_workspace(session)
    yield engine, sqlite_url
    engine.dispose()


def sender_for(fake: FakeSlack, url: str, timeout: int = 5) -> SlackSender:
    return SlackSender(clock_client(settings_for(fake, url), timeout=timeout))


def posts(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage") if c.fault is None]


def clock_env(fake: FakeSlack, url: str) -> dict[str, str]:
    """The environment of a real boardbot clock process pointed at the stand-in Slack."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake.base_url,
    }


def ledger_rows(engine: Engine) -> list[Notification]:
    with Session(engine) as session:
        return list(session.exec(select(Notification)))


def keys_posted(fake: FakeSlack) -> list[str]:
    return [p["metadata"]["event_payload"]["key"] for p in posts(fake)]


def test_run_once_posts_the_window_openings_and_a_second_run_posts_nothing(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    _, url = rutland
    env = clock_env(fake, url)
    command = [
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "clock",
        "--run-once",
        "--at",
        "2026-09-01T09:00:00+01:00",
    ]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    lscb = fake.messages("C0LSCB")
    assert len(lscb) == 1 and "LRLSCB annual report to the HWB" in lscb[0]["text"]
    buttons = [
        e["action_id"] for b in lscb[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["duty_done", "duty_snooze"]
    assert len(fake.messages("C0SAB")) == 1
    assert len(fake.messages("U0LSCBCHAIR")) == 1 and len(fake.messages("U0SABCHAIR")) == 1
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert len(posts(fake)) == EXPECTED_POSTS
    assert "sent 0" in second.stdout


def test_two_concurrent_runs_post_each_prompt_once(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    _, url = rutland
    barrier = threading.Barrier(2)

    def clock() -> None:
        own = make_engine(url)
        barrier.wait()
        tick(own, SEPT_1, sender_for(fake, url))
        own.dispose()

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(keys_posted(fake)) == len(set(keys_posted(fake))) == EXPECTED_POSTS


def test_a_429_with_retry_after_still_delivers_every_prompt_once(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.rate_limit_next("chat.postMessage", retry_after=1, times=1)
    report = tick(engine, SEPT_1, sender_for(fake, url))
    assert report.sent == EXPECTED_POSTS
    assert sorted(keys_posted(fake)) == sorted(set(keys_posted(fake)))
    assert len(fake.calls_to("chat.postMessage")) == EXPECTED_POSTS + 1  # one answered 429


def test_a_429_storm_is_carried_by_the_ledger_to_a_later_tick(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.rate_limit_next("chat.postMessage", retry_after=1, times=3)  # outlasts the in-call retries
    first = tick(engine, SEPT_1, sender_for(fake, url))
    assert first.retried == 1 and first.sent == EXPECTED_POSTS - 1
    waiting = [r for r in ledger_rows(engine) if r.status == ledger.PENDING]
    assert len(waiting) == 1 and waiting[0].last_error == "ratelimited"
    tick(engine, SEPT_1 + timedelta(minutes=5), sender_for(fake, url))
    assert len(set(keys_posted(fake))) == len(keys_posted(fake)) == EXPECTED_POSTS


def test_server_errors_are_retried_and_nothing_is_lost(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.status_next("chat.postMessage", status=503, times=4)
    tick(engine, SEPT_1, sender_for(fake, url))
    tick(engine, SEPT_1 + timedelta(minutes=5), sender_for(fake, url))
    tick(engine, SEPT_1 + timedelta(minutes=10), sender_for(fake, url))
    assert len(set(keys_posted(fake))) == len(keys_posted(fake)) == EXPECTED_POSTS
    assert all(r.status == ledger.SENT for r in ledger_rows(engine))


def test_a_timeout_after_slack_accepted_is_found_in_history_not_resent(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.delay_next("chat.postMessage", 2.0, times=1)  # Slack posts it, but too late for us
    first = tick(engine, SEPT_1, sender_for(fake, url, timeout=1))
    assert first.retried == 1
    in_flight = [r for r in ledger_rows(engine) if r.status == ledger.SENDING]
    assert len(in_flight) == 1
    fake.wait_for(lambda: len(posts(fake)) == EXPECTED_POSTS)
    later = tick(engine, SEPT_1 + timedelta(minutes=10), sender_for(fake, url))
    assert later.recovered == 1
    assert len(keys_posted(fake)) == EXPECTED_POSTS  # found by its metadata, not posted again
    assert all(r.status == ledger.SENT for r in ledger_rows(engine))


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_permanent_error_is_recorded_and_surfaced_not_retried(
    fake: FakeSlack, rutland: tuple[Engine, str], error: str
) -> None:
    engine, url = rutland
    fake.fail_next("chat.postMessage", error=error, times=1)
    report = tick(engine, SEPT_1, sender_for(fake, url))
    assert report.failed == 1
    [failed] = [r for r in ledger_rows(engine) if r.status == ledger.FAILED]
    assert failed.last_error == error
    tick(engine, SEPT_1 + timedelta(hours=2), sender_for(fake, url))
    assert failed.key not in keys_posted(fake)


def test_a_dm_goes_to_the_persons_conversation(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    tick(engine, SEPT_1, sender_for(fake, url))
    assert fake.calls_to("conversations.open")
    chair = [r for r in ledger_rows(engine) if r.recipient == "U0LSCBCHAIR"]
    assert chair and chair[0].slack_channel and chair[0].slack_channel.startswith("D")


def test_the_clock_process_ticks_at_start_and_stops_cleanly_on_sigterm(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    import signal
    import time

    _, url = rutland
    env = clock_env(fake, url)
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "clock"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 30
        assert process.stderr is not None
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "tick: recorded" in line:
                break
        assert any("tick: recorded" in line for line in lines), "".join(lines)
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "clock stopped" in rest
