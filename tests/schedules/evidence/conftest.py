"""A rutland year of activity, and its evidence pack as at 10 March 2027."""

from __future__ import annotations

import pytest

from schedules.evidence import Pack, build_pack
from tests.commands.conftest import Workspace
from tests.schedules.evidence.year_of_activity import AT, seed_year


@pytest.fixture
def year(workspace: Workspace) -> Workspace:
    seed_year(workspace)
    return workspace


@pytest.fixture
def pack(year: Workspace) -> Pack:
    return build_pack("rutland", 2026, AT, session=year.session)
