"""Partnerships get their workspace: `--team`, else SLACK_BOT_TOKEN's team; every record stays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.fakeslack import FakeSlack
from storage.db import make_engine
from storage.migrate import (
    assigns_workspaces,
    code_heads,
    current_revision,
    downgrade,
    model_drift,
    upgrade,
)
from tests.bot.cli_run import boardbot

BEFORE = "0011"
INSERT = text(
    "INSERT INTO partnership (id, key, name, timezone, year_start_month, source, protocol,"
    " digest_channel, loaded_at) VALUES (:id, :key, 'P', 'Europe/London', 4, '', '{}',"
    " 'C0DIGEST', '2026-11-23 10:00:00+00')"
)


def teams(database_url: str) -> list[tuple[str, str | None]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT key, team_id FROM partnership ORDER BY key"))
            return [(key, team) for key, team in rows]
    finally:
        engine.dispose()


def with_partnerships(database_url: str) -> None:
    downgrade(database_url, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(INSERT, [{"id": 1, "key": "north"}, {"id": 2, "key": "south"}])
        assert assigns_workspaces(engine)
    finally:
        engine.dispose()


def test_a_given_team_gets_every_existing_partnership_and_downgrading_keeps_them(
    database_url: str,
) -> None:
    with_partnerships(database_url)
    upgrade(database_url, team="T0NORTH")
    assert teams(database_url) == [("north", "T0NORTH"), ("south", "T0NORTH")]
    engine = make_engine(database_url)
    try:
        assert model_drift(engine) == []
        assert not assigns_workspaces(engine)
        downgrade(database_url, BEFORE)
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT key, digest_channel FROM partnership"))
            assert sorted(tuple(row) for row in kept) == [
                ("north", "C0DIGEST"),
                ("south", "C0DIGEST"),
            ]
        upgrade(database_url)
        assert current_revision(engine) in code_heads()
    finally:
        engine.dispose()
    assert teams(database_url) == [("north", None), ("south", None)]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(tokens=("xoxb-env-token",), team_id="T0TOKEN").start()
    try:
        yield fake
    finally:
        fake.stop()


def test_db_upgrade_asks_slack_which_workspace_the_bot_token_is(
    database_url: str, slack: FakeSlack
) -> None:
    with_partnerships(database_url)
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-env-token",
        "SLACK_API_URL": slack.base_url,
    }
    done = boardbot("db", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    assert teams(database_url) == [("north", "T0TOKEN"), ("south", "T0TOKEN")]
    assert [call.method for call in slack.calls] == ["auth.test"]


def test_db_upgrade_team_wins_over_the_token_and_a_bad_team_is_refused(
    database_url: str, slack: FakeSlack
) -> None:
    with_partnerships(database_url)
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-env-token",
        "SLACK_API_URL": slack.base_url,
    }
    refused = boardbot("db", "upgrade", "--team", "north", env=env)
    assert refused.returncode == 2 and "not a Slack team id" in refused.stderr
    done = boardbot("db", "upgrade", "--team", "T0GIVEN", env=env)
    assert done.returncode == 0, done.stderr
    assert teams(database_url) == [("north", "T0GIVEN"), ("south", "T0GIVEN")]
    assert slack.calls == []


def test_without_token_or_team_partnerships_wait_for_setup_to_name_one(database_url: str) -> None:
    with_partnerships(database_url)
    done = boardbot("db", "upgrade", env={"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": ""})
    assert done.returncode == 0
    assert "no SLACK_BOT_TOKEN and no --team" in done.stderr
    assert teams(database_url) == [("north", None), ("south", None)]
