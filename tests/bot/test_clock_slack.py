"""The clock against the stand-in Slack over real HTTP: each prompt is posted exactly once
through every fault, as counted in the messages the stand-in holds."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, func, select
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.fakeslack import FakeSlack
from bot.sender import SlackSender
from bot.slack_client import clock_client
from schedules import outbox
from schedules.clock import TickReport, tick
from storage.db import make_engine
from storage.models import OutboxPrompt, Partnership
from tests.bot.conftest import TOKEN, settings_for
from tests.commands.conftest import bind_rutland

SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)
EXPECTED_POSTS = 9  # 6 window openings, 2 counterpart notices, 1 digest


@pytest.fixture
def rutland(sqlite_url: str) -> Iterator[tuple[Engine, str]]:
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        bind_rutland(session)
    yield engine, sqlite_url
    engine.dispose()


def sender_for(fake: FakeSlack, url: str, timeout: int = 3) -> SlackSender:
    return SlackSender(clock_client(settings_for(fake, url), timeout=timeout))


def tick_at(
    engine: Engine, at: datetime, fake: FakeSlack, sender: SlackSender, **options: Any
) -> TickReport:
    """A tick at `at`, with the stand-in stamping messages as Slack would at that moment."""
    fake.clock = lambda: at
    return tick(engine, at, sender, **options)


def delivered(fake: FakeSlack) -> list[str]:
    """The outbox key of every message the stand-in holds, in every channel and DM."""
    messages = fake.state()["messages"].values()
    return [m["metadata"]["event_payload"]["key"] for ms in messages for m in ms]


def outbox_rows(engine: Engine) -> list[OutboxPrompt]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxPrompt)))


def assert_each_prompt_posted_once(fake: FakeSlack, engine: Engine, count: int) -> None:
    keys = delivered(fake)
    assert len(keys) == len(set(keys)) == count
    assert set(keys) == {r.key for r in outbox_rows(engine) if r.status == outbox.SENT}


def clock_env(fake: FakeSlack, url: str) -> dict[str, str]:
    """The environment of a real boardbot clock process pointed at the stand-in Slack."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake.base_url,
    }


def run_once(fake: FakeSlack, url: str, at: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from bot.cli import main; main()", "clock", "--run-once"]
    return subprocess.run(
        [*command, "--at", at], env=clock_env(fake, url), capture_output=True, text=True, timeout=60
    )


# -- the ordinary day ----------------------------------------------------------------------------


def test_run_once_posts_the_window_openings_and_a_second_run_posts_nothing(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    _, url = rutland
    first = run_once(fake, url, "2026-09-01T09:00:00+01:00")
    assert first.returncode == 0, first.stderr
    lscb = fake.messages("C0LSCB")
    assert len(lscb) == 1 and "LRLSCB annual report to the HWB" in lscb[0]["text"]
    buttons = [
        e["action_id"] for b in lscb[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["duty_done", "duty_snooze"]
    assert len(fake.messages("C0SAB")) == 1
    assert len(fake.messages("U0LSCBCHAIR")) == 1 and len(fake.messages("U0SABCHAIR")) == 1
    second = run_once(fake, url, "2026-09-01T09:00:00+01:00")
    assert second.returncode == 0, second.stderr
    assert len(delivered(fake)) == EXPECTED_POSTS
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
    assert len(delivered(fake)) == len(set(delivered(fake))) == EXPECTED_POSTS


def test_a_dm_goes_to_the_persons_conversation(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    tick(engine, SEPT_1, sender_for(fake, url))
    assert fake.calls_to("conversations.open")
    chair = [r for r in outbox_rows(engine) if r.recipient == "U0LSCBCHAIR"]
    assert chair and chair[0].slack_channel and chair[0].slack_channel.startswith("D")


# -- Slack asks us to wait -----------------------------------------------------------------------


def test_a_429_returns_at_once_and_the_outbox_waits_out_retry_after(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    sender = sender_for(fake, url)
    fake.rate_limit_next("chat.postMessage", retry_after=20)
    started = time.monotonic()
    first = tick_at(engine, SEPT_1, fake, sender)
    assert time.monotonic() - started < 20  # nothing sleeps Retry-After inside the tick
    assert len(fake.calls_to("chat.postMessage")) == 1  # not repeated inside the call
    assert (first.sent, first.retried, first.left) == (0, 1, EXPECTED_POSTS - 1)
    [limited] = [r for r in outbox_rows(engine) if r.last_error == "ratelimited"]
    assert limited.status == outbox.PENDING
    assert limited.next_attempt_at == SEPT_1 + timedelta(seconds=20)
    tick_at(engine, SEPT_1 + timedelta(seconds=10), fake, sender)
    assert limited.key not in delivered(fake) and len(delivered(fake)) == EXPECTED_POSTS - 1
    tick_at(engine, SEPT_1 + timedelta(seconds=25), fake, sender)
    assert_each_prompt_posted_once(fake, engine, EXPECTED_POSTS)


# -- answers that leave it unknown whether Slack posted ------------------------------------------


def inject(fake: FakeSlack, fault: str, *, applied: bool) -> None:
    if fault == "503":
        fake.status_next("chat.postMessage", 503, applied=applied)
    else:
        fake.fail_next("chat.postMessage", fault, applied=applied)


@pytest.mark.parametrize("applied", [True, False], ids=["slack-posted-it", "slack-did-not"])
@pytest.mark.parametrize("fault", ["503", "fatal_error", "internal_error"])
def test_an_uncertain_answer_is_settled_from_channel_history_and_posted_once(
    fake: FakeSlack, rutland: tuple[Engine, str], fault: str, applied: bool
) -> None:
    engine, url = rutland
    sender = sender_for(fake, url)
    inject(fake, fault, applied=applied)
    first = tick_at(engine, SEPT_1, fake, sender)
    assert (first.sent, first.retried) == (EXPECTED_POSTS - 1, 1)
    [in_flight] = [r for r in outbox_rows(engine) if r.status == outbox.SENDING]
    assert (in_flight.key in delivered(fake)) is applied
    later = tick_at(engine, SEPT_1 + timedelta(minutes=5), fake, sender)
    assert later.recovered == 1 and fake.calls_to("conversations.history")
    assert_each_prompt_posted_once(fake, engine, EXPECTED_POSTS)
    posts = len(fake.calls_to("chat.postMessage"))
    assert posts == EXPECTED_POSTS + (0 if applied else 1)  # a resend only when Slack had none


def test_a_timeout_after_slack_accepted_is_found_in_history_not_resent(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.delay_next("chat.postMessage", 2.0, times=1)  # Slack posts it, but too late for us
    first = tick_at(engine, SEPT_1, fake, sender_for(fake, url, timeout=1))
    assert first.retried == 1
    in_flight = [r for r in outbox_rows(engine) if r.status == outbox.SENDING]
    assert len(in_flight) == 1
    fake.wait_for(lambda: len(delivered(fake)) == EXPECTED_POSTS)
    later = tick_at(engine, SEPT_1 + timedelta(minutes=10), fake, sender_for(fake, url))
    assert later.recovered == 1
    assert_each_prompt_posted_once(fake, engine, EXPECTED_POSTS)  # found by its metadata


def test_a_history_look_up_that_keeps_failing_is_retried_then_failed_after_a_day(
    fake: FakeSlack, rutland: tuple[Engine, str], caplog: pytest.LogCaptureFixture
) -> None:
    engine, url = rutland
    caplog.set_level(logging.WARNING)
    fake.delay_next("chat.postMessage", 2.0, times=1)  # posted, but after our timeout
    fake.fail_always("conversations.history", "missing_scope")
    tick_at(engine, SEPT_1, fake, sender_for(fake, url, timeout=1))
    fake.wait_for(lambda: len(delivered(fake)) == EXPECTED_POSTS)
    sender = sender_for(fake, url)
    for minutes in (10, 15, 60, 600, 1400):
        tick_at(engine, SEPT_1 + timedelta(minutes=minutes), fake, sender)
    [waiting] = [r for r in outbox_rows(engine) if r.status != outbox.SENT]
    assert waiting.status == outbox.SENDING and "missing_scope" in (waiting.last_error or "")
    lookups = [r for r in caplog.records if "could not look up" in r.getMessage()]
    assert len(lookups) == 1 and "1 prompt(s)" in lookups[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback per row per tick
    final = tick_at(engine, SEPT_1 + timedelta(days=1, minutes=5), fake, sender)
    [failed] = [r for r in outbox_rows(engine) if r.key == waiting.key]
    assert failed.status == outbox.FAILED and final.failed == 1
    assert failed.last_error == (
        "outcome unknown after a day: network: TimeoutError; look-up failed: missing_scope"
    )
    assert delivered(fake).count(waiting.key) == 1  # never posted blindly a second time


# -- errors that are Slack's last word -----------------------------------------------------------


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_permanent_error_is_recorded_and_surfaced_not_retried(
    fake: FakeSlack, rutland: tuple[Engine, str], error: str
) -> None:
    engine, url = rutland
    fake.fail_next("chat.postMessage", error=error, times=1)
    report = tick(engine, SEPT_1, sender_for(fake, url))
    assert report.failed == 1
    [failed] = [r for r in outbox_rows(engine) if r.status == outbox.FAILED]
    assert failed.last_error == error
    tick(engine, SEPT_1 + timedelta(hours=2), sender_for(fake, url))
    assert failed.key not in delivered(fake)
    assert len(delivered(fake)) == EXPECTED_POSTS - 1


# -- a token Slack refuses -----------------------------------------------------------------------


def outbox_listing(url: str) -> str:
    result = CliRunner().invoke(app, ["outbox"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result.output


def run_once_here(fake: FakeSlack, url: str, at: str) -> Result:
    """`boardbot clock --run-once` in this process (the subprocess test above covers main())."""
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.base_url}
    return CliRunner().invoke(app, ["clock", "--run-once", "--at", at], env=env)


@pytest.mark.parametrize("known", [True, False], ids=["known-workspace", "never-identified"])
def test_a_revoked_token_keeps_prompts_pending_and_they_go_out_once_it_works(
    fake: FakeSlack,
    rutland: tuple[Engine, str],
    caplog: pytest.LogCaptureFixture,
    known: bool,
) -> None:
    engine, url = rutland
    caplog.set_level(logging.INFO)
    sender = sender_for(fake, url)
    if known:
        assert sender.check() is None  # an earlier tick learnt the workspace from Slack
    fake.revoke_token(TOKEN)
    for minutes in (0, 5, 10):
        report = tick_at(engine, SEPT_1 + timedelta(minutes=minutes), fake, sender)
        assert (report.paused, report.sent, report.failed) == ("token_revoked", 0, 0)
    rows = outbox_rows(engine)
    assert {(r.status, r.attempts) for r in rows} == {(outbox.PENDING, 0)}
    refused = [c for c in fake.calls if c.error == "token_revoked" and c.method != "auth.test"]
    assert len(refused) == 1  # one refusal stops the tick; later ticks only ask auth.test
    workspace = "T0FAKE" if known else "unidentified"
    assert f"sending paused for workspace {workspace}" in outbox_listing(url)
    pauses = [r for r in caplog.records if "refuses the token" in r.getMessage()]
    assert len(pauses) == 1 and workspace in pauses[0].getMessage()
    fake.restore_token(TOKEN)
    after = tick_at(engine, SEPT_1 + timedelta(minutes=15), fake, sender)
    assert after.paused is None and after.sent == EXPECTED_POSTS
    assert_each_prompt_posted_once(fake, engine, EXPECTED_POSTS)
    assert "sending paused" not in outbox_listing(url)
    assert len([r for r in caplog.records if "sending resumes" in r.getMessage()]) == 1


def test_run_once_exits_one_and_says_so_while_the_token_is_refused(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.revoke_token(TOKEN, "account_inactive")
    result = run_once_here(fake, url, "2026-09-01T09:00:00+01:00")
    assert result.exit_code == 1, result.output
    assert "Slack refuses the bot token (account_inactive)" in result.stderr
    assert {r.status for r in outbox_rows(engine)} == {outbox.PENDING}


# -- long downtime -------------------------------------------------------------------------------


def test_a_catch_up_after_two_years_down_is_recorded_in_batches_and_counted_truly(
    fake: FakeSlack, sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)

    @event.listens_for(engine, "connect")
    def _old_sqlite_limits(connection: sqlite3.Connection, _: object) -> None:
        # As SQLite builds before 3.32 (and many still) allow: 999 bound parameters a statement.
        connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

    with Session(engine) as session:
        bind_rutland(session)
    sender = sender_for(fake, sqlite_url)
    tick_at(engine, SEPT_1, fake, sender)
    before = len(outbox_rows(engine))
    report = tick_at(engine, datetime(2028, 9, 1, 8, 5, tzinfo=UTC), fake, sender)
    assert report.errors == []
    assert report.recorded == len(outbox_rows(engine)) - before > 999
    folded = [r for r in outbox_rows(engine) if r.status == outbox.FOLDED]
    assert folded and not {r.key for r in folded} & set(delivered(fake))  # left to the digest
    keys = delivered(fake)
    assert len(keys) == len(set(keys)) == EXPECTED_POSTS + report.sent
    engine.dispose()


def test_run_once_exits_one_when_planning_fails_instead_of_reporting_nothing_recorded(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    with Session(engine) as session:
        partnership = session.exec(select(Partnership)).one()
        partnership.protocol = {**partnership.protocol, "prompts": "not a mapping"}
        session.add(partnership)
        session.commit()
    result = run_once_here(fake, url, "2026-09-01T09:00:00+01:00")
    assert result.exit_code == 1, result.output
    assert "planning failed for 1 partnership(s)" in result.stdout
    assert "error: planning failed for partnership rutland" in result.stderr
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(OutboxPrompt)).one() == 0


# -- the process ---------------------------------------------------------------------------------


def test_the_clock_process_ticks_at_start_and_stops_cleanly_on_sigterm(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    import signal

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
