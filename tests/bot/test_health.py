"""GET /healthz: 200 "ok" only when the database answers and its schema is this code's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.health import SCHEMA_CHECKED_FOR, Health
from bot.web import wsgi_app
from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from tests.bot.conftest import SECRET, Edge, Served, http

BEHIND = "schema behind: run `boardbot db upgrade`"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def behind(sqlite_url: str) -> Iterator[tuple[str, Engine]]:
    """A database one migration behind the code."""
    downgrade(sqlite_url, "0002")
    engine = make_engine(sqlite_url)
    yield sqlite_url, engine
    engine.dispose()


def health_over_http(edge: Edge, engine: Engine) -> tuple[int, str]:
    served = Served(wsgi_app(edge.app, engine=engine, signing_secret=SECRET))
    try:
        return http(f"{served.url}/healthz", method="GET")
    finally:
        served.stop()


def test_it_is_ok_on_a_migrated_database(any_db_edge: Edge) -> None:
    assert http(f"{any_db_edge.slack.url}/healthz", method="GET") == (200, "ok")


def test_a_schema_behind_the_code_gets_503_saying_to_upgrade(
    edge: Edge, behind: tuple[str, Engine]
) -> None:
    assert health_over_http(edge, behind[1]) == (503, BEHIND)


def test_an_empty_database_gets_503_no_tables(edge: Edge, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert health_over_http(edge, engine) == (503, "no tables")
    finally:
        engine.dispose()


def test_a_database_that_does_not_answer_gets_503_unreachable(edge: Edge) -> None:
    engine = make_engine("postgresql://boardbot@127.0.0.1:9/nothing-listens-here")
    try:
        assert health_over_http(edge, engine) == (503, "database unreachable")
    finally:
        engine.dispose()


def test_a_schema_from_newer_code_is_named(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert Health(engine).problem() == "schema at revision 9999, unknown to this code"
    engine.dispose()


def test_the_schema_is_looked_at_again_only_after_a_few_seconds(
    behind: tuple[str, Engine],
) -> None:
    url, engine = behind
    ticks = Ticks()
    health = Health(engine, monotonic=ticks)
    assert health.problem() == BEHIND
    upgrade(url)
    ticks.now += SCHEMA_CHECKED_FOR - 0.1
    assert health.problem() == BEHIND  # still the answer it found a moment ago
    ticks.now += 0.1
    assert health.problem() is None


def test_the_database_is_asked_on_every_check(tmp_path: Path, sqlite_url: str) -> None:
    """The schema's answer is kept for a few seconds; whether the database answers is not."""
    folder = tmp_path / "data"
    folder.mkdir()
    copy = folder / "boardbot.sqlite3"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    health = Health(engine, monotonic=Ticks())
    assert health.problem() is None
    engine.dispose()  # no pooled connection to a file that is about to go
    shutil.rmtree(folder)
    assert health.problem() == "database unreachable"
    engine.dispose()


def test_a_failing_check_is_logged_once_not_on_every_probe(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = make_engine("postgresql://boardbot@127.0.0.1:9/nothing-listens-here")
    health = Health(engine)
    for _ in range(3):
        assert health.problem() == "database unreachable"
    engine.dispose()
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.health"]
    assert line == "health check failing: database unreachable (OperationalError)"
