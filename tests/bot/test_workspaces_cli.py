"""`boardbot workspaces`, setup files' `team:`, and `#names` and e-mails resolved through Slack."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from bot.oauth import installation_store
from bot.settings import Settings
from schedules.occurrences import materialise
from storage.db import make_engine
from storage.installations import bots
from storage.models import (
    AuditEntry,
    Board,
    DutyOccurrence,
    Membership,
    Partnership,
    Person,
    SendingPause,
)
from tests.bot.cli_run import boardbot
from tests.commands.conftest import NOW, bind_rutland

CLIENT = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}
TOKEN = "xoxb-env-token"
SETUP = """\
partnership: rutland
digest_channel: "#board-digest"
boards:
  lrlscb:
    channel: "#lscb-board"
    people:
      lscb-chair@rutland.example: chair
      U0LSCBBM: business_manager
"""


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}, team_id="T0RUT") as fake:
        for number in range(210):  # two pages of conversations.list
            fake.add_channel(f"C0X{number:03d}", f"other-{number:03d}")
        fake.add_channel("C0LSCB", "lscb-board")
        fake.add_channel("C0DIGEST", "board-digest")
        fake.add_user("U0LSCBCHAIR", email="lscb-chair@rutland.example")
        yield fake


def install(database_url: str, *teams: str) -> None:
    """Workspaces as "Add to Slack" leaves them: a bot token each in slack_sdk's tables."""
    engine = make_engine(database_url)
    store = installation_store(Settings(**CLIENT), engine)  # type: ignore[arg-type]
    for team in teams:
        store.save(
            Installation(
                app_id="A0APP",
                team_id=team,
                team_name=f"Workspace {team}",
                user_id="U0ADMIN",
                bot_token=f"xoxb-{team.lower()}",
                bot_id="B0BOT",
                bot_user_id="U0BOT",
                bot_scopes="chat:write",
                installed_at=datetime(2026, 11, 1, 9).timestamp(),
            )
        )
    engine.dispose()


def env(database_url: str, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SLACK_API_URL": slack.base_url, **extra}


def loaded(database_url: str, team: str | None = None) -> None:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
        partnership = session.exec(select(Partnership)).one()
        partnership.team_id = team
        session.add(partnership)
        session.commit()
    engine.dispose()


def rows(database_url: str, model: type) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())
    finally:
        engine.dispose()


# -- setup files: names and workspaces -----------------------------------------------------------


def test_names_and_e_mails_are_resolved_with_the_bot_token(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    done = boardbot(
        "setup", "apply", str(setup), env=env(database_url, slack, SLACK_BOT_TOKEN=TOKEN)
    )
    assert done.returncode == 0, done.stderr
    assert "lrlscb: channel none -> C0LSCB" in done.stdout
    assert "lrlscb: U0LSCBCHAIR added as chair" in done.stdout
    assert "rutland: digest channel none -> C0DIGEST" in done.stdout
    assert len(slack.calls_to("conversations.list")) == 2
    again = boardbot(
        "setup", "apply", str(setup), env=env(database_url, slack, SLACK_BOT_TOKEN=TOKEN)
    )
    assert again.stdout.strip() == "rutland: no changes"


def test_each_name_slack_does_not_know_is_a_file_line_problem_and_nothing_is_written(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text(
        SETUP.replace("#lscb-board", "#no-such-board").replace("lscb-chair@", "nobody@")
    )
    refused = boardbot(
        "setup", "apply", str(setup), env=env(database_url, slack, SLACK_BOT_TOKEN=TOKEN)
    )
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"{setup}:5: boards.lrlscb.channel: no channel called #no-such-board that boardbot can "
        "see in this workspace; check the name, or for a private channel /invite boardbot to it "
        "first",
        f"{setup}:7: boards.lrlscb.people.nobody@rutland.example: no one in this workspace has "
        "the e-mail address nobody@rutland.example",
    ]
    assert rows(database_url, Partnership) == 0


def test_a_file_for_another_workspace_than_the_bot_tokens_is_refused(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    setup = tmp_path / "setup.yaml"
    setup.write_text("team: T0OTHER\n" + SETUP)
    refused = boardbot(
        "setup", "apply", str(setup), env=env(database_url, slack, SLACK_BOT_TOKEN=TOKEN)
    )
    assert refused.returncode == 2
    assert f"{setup}:1: team: T0OTHER is not the workspace of SLACK_BOT_TOKEN (T0RUT)" in (
        refused.stderr
    )
    setup.write_text("team: T0RUT\n" + SETUP)
    done = boardbot(
        "setup", "apply", str(setup), env=env(database_url, slack, SLACK_BOT_TOKEN=TOKEN)
    )
    assert done.returncode == 0, done.stderr
    assert "rutland: workspace none -> T0RUT" in done.stdout


def test_with_several_workspaces_installed_a_file_must_name_an_installed_one(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    install(database_url, "T0AAA", "T0BBB")
    setup = tmp_path / "setup.yaml"
    ids = SETUP.replace('"#board-digest"', "C0DIGEST").replace('"#lscb-board"', "C0LSCB")
    setup.write_text(ids.replace("lscb-chair@rutland.example", "U0LSCBCHAIR"))
    oauth = env(database_url, slack, **CLIENT)
    missing = boardbot("setup", "apply", str(setup), env=oauth)
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"{setup}:1: team: required: name the Slack workspace")
    assert "installed workspaces: T0AAA, T0BBB" in missing.stderr
    setup.write_text("team: T0CCC\n" + setup.read_text())
    unknown = boardbot("setup", "apply", str(setup), env=oauth)
    assert unknown.returncode == 2
    assert f"{setup}:1: team: T0CCC has not installed boardbot" in unknown.stderr
    assert rows(database_url, Partnership) == 0
    setup.write_text(setup.read_text().replace("T0CCC", "T0BBB"))
    done = boardbot("setup", "apply", str(setup), env=oauth)
    assert done.returncode == 0, done.stderr
    assert "rutland: workspace none -> T0BBB" in done.stdout
    setup.write_text(setup.read_text().replace("T0BBB", "T0AAA"))
    moved = boardbot("setup", "apply", str(setup), env=oauth)
    assert moved.returncode == 2 and "belongs to another Slack workspace" in moved.stderr


# -- boardbot workspaces -------------------------------------------------------------------------


def test_workspaces_lists_installations_partnerships_and_paused_tokens(
    database_url: str, slack: FakeSlack
) -> None:
    install(database_url, "T0AAA", "T0BBB")
    loaded(database_url, "T0AAA")
    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(
            SendingPause(workspace="T0BBB", error="app_uninstalled", since=NOW, checked_at=NOW)
        )
        session.commit()
    engine.dispose()
    listed = boardbot("workspaces", env=env(database_url, slack, **CLIENT))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "T0AAA Workspace T0AAA",
        "  token: installed 2026-11-01 09:00 UTC",
        "  partnerships: rutland",
        "T0BBB Workspace T0BBB",
        "  token: installed 2026-11-01 09:00 UTC; sending paused since 2026-11-23 10:00 "
        "(app_uninstalled), prompts wait",
        "  partnerships: none",
    ]


def test_remove_deletes_one_workspaces_records_after_the_typed_team_id(
    database_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(database_url, "T0AAA", "T0BBB")
    loaded(database_url, "T0AAA")
    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(Partnership(key="other", name="Other", loaded_at=NOW, team_id="T0BBB"))
        session.commit()
    with Session(engine) as session:
        rutland = session.exec(select(Partnership).where(Partnership.key == "rutland")).one()
        materialise(rutland, NOW, session=session)
        session.commit()
    engine.dispose()
    assert rows(database_url, DutyOccurrence) > 0
    oauth = env(database_url, slack, **CLIENT)
    monkeypatch.setattr("sys.stdin", io.StringIO("T0WRONG\n"))
    kept = boardbot("workspaces", "remove", "T0AAA", env=oauth)
    assert kept.returncode == 2 and "not confirmed; nothing was deleted" in kept.stderr
    assert rows(database_url, Board) > 0
    monkeypatch.setattr("sys.stdin", io.StringIO("T0AAA\n"))
    removed = boardbot("workspaces", "remove", "T0AAA", env=oauth)
    assert removed.returncode == 0, removed.stderr
    assert "workspace T0AAA removed" in removed.stdout
    for model in (Board, Membership, DutyOccurrence, Person, AuditEntry):
        assert rows(database_url, model) == 0, model
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert [p.key for p in session.exec(select(Partnership))] == ["other"]
        assert list(session.execute(select(bots.c.team_id)).scalars()) == ["T0BBB"]
    engine.dispose()
    gone = boardbot("workspaces", "remove", "T0AAA", "--yes", env=oauth)
    assert gone.returncode == 2 and "no workspace T0AAA" in gone.stderr
    assert boardbot("workspaces", "remove", "T0BBB", "--yes", env=oauth).returncode == 0
    assert rows(database_url, Partnership) == 0
