"""Reads never write: listing duties, meetings, requests and escalations, or the Home tab,
leaves every table as it was, even in a year whose occurrences nobody has made yet."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commands.home import home_blocks
from commands.registry import command_handler
from tests.commands.conftest import BoundPartnership, row_counts

READS = [
    ("/duties", ""),
    ("/duties", "lrlscb"),
    ("/meetings", ""),
    ("/agenda", "list"),
    ("/agenda", "hwb"),
    ("/escalate", "list"),
    ("/minutes", "list"),
    ("/boards", ""),
    ("/audit", ""),
    ("/evidence", ""),
]


@pytest.mark.parametrize("years_on", [0, 2])
def test_reading_writes_nothing(bound: BoundPartnership, years_on: int) -> None:
    later = bound.now + timedelta(days=365 * years_on)
    before = row_counts(bound.session)
    for command, text in READS:
        command_handler(command)(bound.invocation("U0LSCBBM", now=later), text)
    home_blocks(bound.invocation("U0LSCBBM", now=later))
    assert row_counts(bound.session) == before
    assert not (bound.session.new or bound.session.dirty or bound.session.deleted)
