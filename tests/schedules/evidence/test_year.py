"""A partnership's year, written 2026/27."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schedules.evidence.year import PackYear, current_start, year_start
from storage.errors import BoardbotError


@pytest.mark.parametrize("text", ["2026/27", "2026/2027", " 2026/27 "])
def test_it_reads_a_year_written_with_a_slash(text: str) -> None:
    assert year_start(text) == 2026


@pytest.mark.parametrize("text", ["2026", "2026/28", "2026-27", "26/27", "1999/00", "next", ""])
def test_it_refuses_anything_else_saying_how_to_write_it(text: str) -> None:
    with pytest.raises(BoardbotError) as refused:
        year_start(text)
    assert "write it as 2026/27" in refused.value.message
    assert "\n" not in str(refused.value)


def test_an_april_year_runs_from_1_april_to_31_march() -> None:
    year = PackYear(2026)
    assert (year.first, year.last, year.label) == (date(2026, 4, 1), date(2027, 3, 31), "2026/27")
    assert year.begins_at == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # midnight, BST
    assert year.ends_at == datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # BST again from 28 March


def test_a_january_year_is_the_calendar_year() -> None:
    assert (PackYear(2026, 1).first, PackYear(2026, 1).last) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


def test_the_current_year_follows_the_london_day() -> None:
    assert current_start(datetime(2027, 3, 31, 23, 30, tzinfo=UTC), 4) == 2027  # 1 April in BST
    assert current_start(datetime(2027, 3, 31, 22, 30, tzinfo=UTC), 4) == 2026
