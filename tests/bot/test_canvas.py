"""The tracker canvas end to end: the clock's ticks against the stand-in Slack over real HTTP,
through conversations.canvases.create, canvases.edit and conversations.info."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from bot.canvas import SlackCanvasKeeper
from bot.cli import app
from bot.fakeslack import FakeSlack
from bot.sender import SlackSender
from bot.slack_client import clock_client
from schedules.clock import TickReport, tick
from storage.db import make_engine
from storage.models import TrackerCanvas
from tests.bot.cli_run import boardbot
from tests.bot.conftest import TOKEN, settings_for
from tests.commands.conftest import BoundPartnership, bind_rutland
from tests.schedules.evidence.year_of_activity import occurrence

SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # a Tuesday, 09:00 in London
SEPT_7 = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)  # the Monday after: the weekly digest
DIGEST = "C0DIGEST"
CREATE, EDIT, INFO = "conversations.canvases.create", "canvases.edit", "conversations.info"


@pytest.fixture
def rutland(database_url: str) -> Iterator[tuple[Engine, str]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        bind_rutland(session)
    yield engine, database_url
    engine.dispose()


def clock(fake: FakeSlack, url: str, token: str = TOKEN) -> tuple[SlackSender, SlackCanvasKeeper]:
    client = clock_client(settings_for(fake, url).model_copy(update={"slack_bot_token": token}))
    return SlackSender(client), SlackCanvasKeeper(client)


def tick_at(engine: Engine, at: datetime, fake: FakeSlack, url: str) -> TickReport:
    fake.clock = lambda: at
    sender, keeper = clock(fake, url)
    return tick(engine, at, sender, keeper=keeper)


def tracker(engine: Engine) -> TrackerCanvas:
    with Session(engine) as session:
        found = session.get(TrackerCanvas, DIGEST)
        assert found is not None
        return found


def outbox(url: str) -> str:
    result = CliRunner().invoke(app, ["outbox"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_clock_makes_the_digest_canvas_once_and_edits_it_when_the_record_changes(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    tick_at(engine, SEPT_1, fake, url)
    canvas = fake.canvas_in(DIGEST)
    assert canvas is not None and canvas["id"] == tracker(engine).canvas_id
    assert canvas["markdown"].startswith("# Rutland Health and Well-Being Board")
    assert "- **Open**: LRLSCB annual report to the HWB" in canvas["markdown"]
    created = fake.calls_to(CREATE)[0].params
    assert created["channel_id"] == DIGEST
    assert created["document_content"] == {"type": "markdown", "markdown": canvas["markdown"]}
    for minutes in (5, 10, 15):
        tick_at(engine, SEPT_1 + timedelta(minutes=minutes), fake, url)
    assert len(fake.calls_to(CREATE)) == 1 and fake.calls_to(EDIT) == []
    with Session(engine, expire_on_commit=False) as session:
        ws = BoundPartnership(session, now=SEPT_1 + timedelta(hours=1))
        lscb = occurrence(ws, "lrlscb-annual-report-to-hwb", date(2026, 9, 1))
        ws.run("/duties", f"done {lscb.id} https://example.org/report.pdf", "U0LSCBBM")
    tick_at(engine, SEPT_1 + timedelta(hours=1, minutes=5), fake, url)
    edits = fake.calls_to(EDIT)
    assert len(edits) == 1 and edits[0].params["canvas_id"] == canvas["id"]
    [change] = edits[0].params["changes"]
    assert change["operation"] == "replace" and "section_id" not in change
    shown = fake.canvas_in(DIGEST)
    assert shown is not None and shown["id"] == canvas["id"]
    assert "- **Done on time**: LRLSCB annual report to the HWB" in shown["markdown"]
    assert len(fake.calls_to(CREATE)) == 1


@pytest.mark.parametrize(
    "error",
    ["team_tier_cannot_create_channel_canvases", "canvas_disabled_user_team"],
)
def test_a_workspace_without_canvases_is_said_once_and_the_digest_carries_on(
    fake: FakeSlack, rutland: tuple[Engine, str], error: str
) -> None:
    engine, url = rutland
    fake.fail_always(CREATE, error)
    fake.fail_always(EDIT, error)
    tick_at(engine, SEPT_1, fake, url)
    tick_at(engine, SEPT_7, fake, url)
    assert len(fake.calls_to(CREATE)) == 1 and fake.canvas_in(DIGEST) is None
    digests = [m for m in fake.messages(DIGEST) if "digest" in m["text"].lower()]
    assert len(digests) == 2  # Tuesday's (Monday was a bank holiday) and the next Monday's
    lines = [line for line in outbox(url).splitlines() if "tracker canvas" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"tracker canvas off for {DIGEST} since 2026-09-01 09:00: ")
    assert lines[0].endswith(
        f"({error}); the digest carries on (`boardbot outbox canvas-retry {DIGEST}` tries again)"
    )
    fake.stop_failing(CREATE)  # the workspace's plan changed
    tick_at(engine, SEPT_7 + timedelta(minutes=5), fake, url)
    assert fake.canvas_in(DIGEST) is None  # still off: nothing is tried until asked
    retried = boardbot("outbox", "canvas-retry", DIGEST, env={"DATABASE_URL": url})
    assert retried.returncode == 0, retried.stderr
    tick_at(engine, SEPT_7 + timedelta(minutes=10), fake, url)
    assert fake.canvas_in(DIGEST) is not None and "tracker canvas" not in outbox(url)
    again = boardbot("outbox", "canvas-retry", DIGEST, env={"DATABASE_URL": url})
    assert again.returncode == 2
    assert again.stderr == (
        f"error: the tracker canvas of {DIGEST} is not off; `boardbot outbox` lists any that are\n"
    )


def test_a_token_slack_takes_no_canvases_from_switches_the_canvas_off(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    _, keeper = clock(fake, url, token="xapp-1-an-app-level-token")
    fake.clock = lambda: SEPT_1
    tick(engine, SEPT_1, clock(fake, url)[0], keeper=keeper)
    assert [c.error for c in fake.calls_to(CREATE)] == ["not_allowed_token_type"]
    assert tracker(engine).off_reason == "not_allowed_token_type"
    assert "kind of token (not_allowed_token_type)" in outbox(url)


def test_a_create_answered_with_a_5xx_is_looked_up_not_made_twice(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    fake.status_next(CREATE, 503, applied=True)  # Slack made it, then answered badly
    tick_at(engine, SEPT_1, fake, url)
    assert fake.canvas_in(DIGEST) is not None and tracker(engine).creating
    tick_at(engine, SEPT_1 + timedelta(minutes=1), fake, url)  # too soon to look
    assert fake.calls_to(INFO) == []
    tick_at(engine, SEPT_1 + timedelta(minutes=5), fake, url)
    assert len(fake.calls_to(CREATE)) == 1 and len(fake.calls_to(INFO)) == 1
    canvas = fake.canvas_in(DIGEST)
    assert canvas is not None and tracker(engine).canvas_id == canvas["id"]
    assert len(fake.calls_to(EDIT)) == 1  # what it shows is made sure of


def test_a_canvas_someone_else_made_in_the_channel_is_left_alone(
    fake: FakeSlack, rutland: tuple[Engine, str]
) -> None:
    engine, url = rutland
    theirs = fake.add_canvas(DIGEST, "# How this channel works")
    tick_at(engine, SEPT_1, fake, url)
    tick_at(engine, SEPT_1 + timedelta(days=1), fake, url)
    canvas = fake.canvas_in(DIGEST)
    assert canvas is not None and (canvas["id"], canvas["markdown"]) == (
        theirs,
        "# How this channel works",
    )
    assert fake.calls_to(EDIT) == [] and len(fake.calls_to(CREATE)) == 1
    assert "boardbot did not make; it is left alone" in outbox(url)


def test_a_deleted_canvas_is_made_again(fake: FakeSlack, rutland: tuple[Engine, str]) -> None:
    engine, url = rutland
    tick_at(engine, SEPT_1, fake, url)
    first = tracker(engine).canvas_id
    assert first is not None
    fake.delete_canvas(first)
    december = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the annual reports are overdue
    tick_at(engine, december, fake, url)  # so the canvas is edited, and found gone
    tick_at(engine, december + timedelta(minutes=5), fake, url)
    canvas = fake.canvas_in(DIGEST)
    assert canvas is not None and canvas["id"] == tracker(engine).canvas_id != first


def test_the_clock_command_keeps_the_canvas(fake: FakeSlack, rutland: tuple[Engine, str]) -> None:
    _, url = rutland
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.base_url}
    at = ["--at", "2026-09-01T09:00:00+01:00"]
    result = CliRunner().invoke(app, ["clock", "--run-once", *at], env=env)
    assert result.exit_code == 0, result.output
    canvas = fake.canvas_in(DIGEST)
    assert canvas is not None and "duties 2026/27" in canvas["markdown"]
