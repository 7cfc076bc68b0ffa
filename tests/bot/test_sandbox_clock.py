"""The sandbox's own clock: a fixed demo day, moved forward by relative jumps, never back."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.sandbox.clock import (
    DEMO_START,
    SandboxClock,
    check_jump,
    days_to_tick,
    next_digest_day,
    next_window_opening,
    relative_jumps,
)
from schedules import calendar
from schedules.protocol import Protocol, load_protocol
from storage.errors import BoardbotError

RUTLAND = load_protocol("rutland")


class Stopwatch:
    """A monotonic source the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def london(moment: datetime) -> str:
    return f"{moment.astimezone(calendar.LONDON):%a %d %b %Y %H:%M}"


def test_it_starts_at_0905_on_the_bank_holiday_before_the_windows_open() -> None:
    clock = SandboxClock(elapsed=Stopwatch())

    assert london(clock.now()) == "Mon 31 Aug 2026 09:05"
    assert calendar.is_bank_holiday(clock.today())


def test_it_runs_on_with_the_time_that_passes_and_stands_still_while_held() -> None:
    watch = Stopwatch()
    clock = SandboxClock(elapsed=watch)

    watch.seconds += 150
    assert london(clock.now()) == "Mon 31 Aug 2026 09:07"
    clock.hold(calendar.at_local_time(date(2026, 9, 1), calendar.time(9, 5)))
    watch.seconds += 600
    assert london(clock.now()) == "Tue 01 Sep 2026 09:05"
    clock.release()
    watch.seconds += 60
    assert london(clock.now()) == "Tue 01 Sep 2026 09:06"


def test_holding_it_at_an_earlier_instant_never_moves_it_back() -> None:
    clock = SandboxClock(elapsed=Stopwatch())

    clock.hold(DEMO_START - timedelta(days=30))

    assert clock.now() == DEMO_START


def test_the_relative_jumps_from_the_demo_day() -> None:
    jumps = {j.key: (j.label, j.day) for j in relative_jumps(date(2026, 8, 31), RUTLAND)}

    assert jumps == {
        "next-working-day": ("Next working day", date(2026, 9, 1)),
        "next-week": ("+1 week", date(2026, 9, 7)),
        "next-window": ("Next window opening", date(2026, 9, 1)),
        "next-digest": ("Next Monday (digest)", date(2026, 9, 7)),
    }


@pytest.mark.parametrize(
    ("today", "opening"),
    [
        (date(2026, 9, 1), date(2026, 10, 1)),  # the HWB's strategy review window
        (date(2026, 10, 1), date(2027, 4, 1)),  # refreshed plans, next spring
        (date(2027, 4, 1), date(2027, 9, 1)),
    ],
)
def test_next_window_opening_is_the_next_day_a_window_opens(today: date, opening: date) -> None:
    assert next_window_opening(RUTLAND, today) == opening


def test_a_window_opening_at_a_weekend_is_reached_on_the_working_day_it_is_announced() -> None:
    # 1 November 2026 is a Sunday: a protocol with a November window announces it on Monday 2nd.
    data = RUTLAND.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data["duties"] = [{**data["duties"][0], "schedule": {"windows": [{"opens": 11, "closes": 12}]}}]
    november = Protocol.model_validate(data)

    assert next_window_opening(november, date(2026, 10, 20)) == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("today", "digest"),
    [
        (date(2026, 8, 31), date(2026, 9, 7)),  # a Monday: next week's
        (date(2026, 9, 6), date(2026, 9, 7)),  # a Sunday: tomorrow's
        (date(2026, 5, 20), date(2026, 5, 26)),  # Monday 25 May is a bank holiday
    ],
)
def test_next_monday_is_the_day_next_weeks_digest_goes_out(today: date, digest: date) -> None:
    assert next_digest_day(today) == digest


def test_a_jump_to_today_or_the_past_is_refused_with_why() -> None:
    for day in (date(2026, 9, 1), date(2026, 8, 1)):
        with pytest.raises(BoardbotError) as refused:
            check_jump(date(2026, 9, 1), day)
        said = str(refused.value)
        assert said.startswith("the sandbox's clock only goes forward: it is Tue 1 Sep 2026")
        assert "restart the sandbox to begin again on Mon 31 Aug 2026" in said


def test_a_jump_goes_at_most_a_year_at_a_time() -> None:
    check_jump(date(2026, 9, 1), date(2027, 9, 1))
    with pytest.raises(BoardbotError, match="at most a year at a time"):
        check_jump(date(2026, 9, 1), date(2027, 9, 3))


def test_a_jump_ticks_each_working_day_on_the_way_and_the_day_it_lands_on() -> None:
    assert list(days_to_tick(date(2026, 8, 28), date(2026, 9, 6))) == [
        date(2026, 9, 1),  # not the weekend, not the bank holiday on Monday 31 August
        date(2026, 9, 2),
        date(2026, 9, 3),
        date(2026, 9, 4),
        date(2026, 9, 6),  # a Sunday: ticked, and quiet
    ]
