"""Two partnerships sharing two boards, over the stand-in Slack: both setups applied, one clock
tick, the prompts of both in each shared channel, and each digest with only its own duties."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.fakeslack import FakeSlack
from schedules.clock import tick
from storage.db import make_engine
from storage.models import OutboxPrompt
from tests.bot.conftest import TOKEN
from tests.bot.test_cli import Boardbot, boardbot
from tests.bot.test_clock_slack import sender_for
from tests.commands.shared_boards import (
    CHANNELS,
    CITY,
    CITY_SETUP,
    HACKNEY,
    HACKNEY_SETUP,
    bind_city_and_hackney,
)

__all__ = ["boardbot"]  # the fixture

SEPT_1 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 in London: both windows open
LOADED = datetime(2026, 8, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def shared_fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}) as server:
        for channel in CHANNELS:
            server.add_channel(channel, channel.lower())
        yield server


@pytest.fixture
def city_and_hackney(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        bind_city_and_hackney(session, LOADED)
    yield engine
    engine.dispose()


def texts(fake: FakeSlack, channel: str) -> list[str]:
    return [m["text"] for m in fake.messages(channel)]


def test_each_partnerships_prompts_reach_the_shared_channel_and_each_digest_is_its_own(
    shared_fake: FakeSlack, city_and_hackney: Engine, database_url: str
) -> None:
    tick(city_and_hackney, SEPT_1, sender_for(shared_fake, database_url))
    children = texts(shared_fake, "C0CHSCB")
    assert len(children) == 2
    assert any("CHSCB annual report to the City HWB" in t for t in children)
    assert any("CHSCB annual report to the Hackney HWB" in t for t in children)
    adults = texts(shared_fake, "C0CHSAB")
    assert any("CHSAB annual report to the City HWB" in t for t in adults)
    assert any("SAB annual report to the Hackney HWB" in t for t in adults)
    # The shared chair hears from both partnerships, though the duties are keyed alike.
    assert len(texts(shared_fake, "U0CHSCBCHAIR")) == 2
    city_digest, hackney_digest = (
        " ".join(texts(shared_fake, c)) for c in ("C0CITYDIGEST", "C0HACKDIGEST")
    )
    assert "City HWB" in city_digest and "Hackney HWB" not in city_digest
    assert "Hackney HWB" in hackney_digest and "City HWB" not in hackney_digest
    with Session(city_and_hackney) as session:
        keys = [row.key for row in session.exec(select(OutboxPrompt))]
    assert len(keys) == len(set(keys))
    assert sum(1 for key in keys if "|C0CHSCB" in key) == 2


def test_boardbot_setup_apply_joins_the_second_partnerships_boards_and_refuses_a_crossed_kind(
    boardbot: Boardbot, tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    (tmp_path / "city.yaml").write_text(CITY)
    (tmp_path / "hackney.yaml").write_text(HACKNEY)
    for name, text in (("city", CITY_SETUP), ("hackney", HACKNEY_SETUP)):
        written = text.replace(f"partnership: {name}", f"partnership: {name}.yaml")
        (tmp_path / f"{name}.setup.yaml").write_text(written)
    assert boardbot("setup", "apply", str(tmp_path / "city.setup.yaml")).code == 0
    second = boardbot("setup", "apply", str(tmp_path / "hackney.setup.yaml"))
    assert second.code == 0, second.err
    assert "chscb: channel none -> C0CHSCB (one board with city:chscb)" in second.out.splitlines()
    crossed = tmp_path / "crossed.setup.yaml"
    crossed.write_text(
        "partnership: hackney\nboards:\n  sab: {channel: C0CHSCB}\n  chscb: {channel: C0HCHILD}\n"
    )
    refused = boardbot("setup", "apply", str(crossed))
    assert refused.code != 0 and "Traceback" not in refused.err
    assert "C0CHSCB is city:chscb's channel, a safeguarding children board; sab is a " in (
        refused.err
    )
    assert boardbot("setup", "apply", str(tmp_path / "hackney.setup.yaml")).out == (
        "hackney: no changes\n"
    )
