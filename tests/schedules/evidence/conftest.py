"""A rutland year of activity, and its evidence pack as at 10 March 2027."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from schedules.evidence import Pack, build_pack
from storage.db import make_engine
from tests.commands.conftest import BoundPartnership, bind_rutland
from tests.schedules.evidence.year_of_activity import AT, seed_year


@pytest.fixture
def year(bound: BoundPartnership) -> BoundPartnership:
    """The year recorded in the database under test (SQLite, and PostgreSQL when set)."""
    seed_year(bound)
    return bound


@pytest.fixture
def year_pack(year: BoundPartnership) -> Pack:
    return build_pack("rutland", 2026, AT, session=year.session)


@pytest.fixture(scope="session")
def pack(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Pack:
    """The pack of the year, made once on SQLite: for tests of how it is rendered."""
    path = tmp_path_factory.mktemp("evidence") / "year.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
        seed_year(BoundPartnership(session))
        made = build_pack("rutland", 2026, AT, session=session)
    engine.dispose()
    return made
