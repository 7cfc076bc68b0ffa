"""Schedules become the right dated occurrences, including windows that cross a year boundary."""

from datetime import UTC, date, datetime

from schedules.cycle import DutySpec, MeetingRef, occurrences
from schedules.protocol.model import Schedule


def spec(schedule: dict[str, object], key: str = "d") -> DutySpec:
    return DutySpec(key, "duty", "T", ("a",), ("b",), "e", "1", Schedule.model_validate(schedule))


def windows(schedule: dict[str, object], year: int = 2026) -> list[tuple[date, date, date]]:
    return [(o.opens, o.closes, o.due) for o in occurrences(spec(schedule), [year])]


def test_it_opens_a_september_to_november_window_in_the_financial_year() -> None:
    assert windows({"windows": [{"opens": "sep", "closes": "nov"}]}) == [
        (date(2026, 9, 1), date(2026, 11, 30), date(2026, 11, 30))
    ]


def test_it_carries_an_october_to_february_window_over_the_new_year() -> None:
    # 28 Feb 2027 is a Sunday: the close moves back to Friday 26 February.
    assert windows({"windows": [{"opens": "oct", "closes": "feb"}]}) == [
        (date(2026, 10, 1), date(2027, 2, 28), date(2027, 2, 26))
    ]


def test_it_ends_february_on_the_29th_in_a_leap_year() -> None:
    [(_, closes, due)] = windows({"windows": [{"opens": "oct", "closes": "feb"}]}, year=2027)
    assert closes == date(2028, 2, 29)
    assert due == date(2028, 2, 29)  # a Tuesday


def test_it_puts_a_march_to_may_window_in_the_year_it_opens() -> None:
    # Financial year 2026/27 ends on 31 March 2027: its Mar–May window opens then.
    assert windows({"windows": [{"opens": "mar", "closes": "may"}]}) == [
        (date(2027, 3, 1), date(2027, 5, 31), date(2027, 5, 28))
    ]


def test_it_gives_two_windows_when_a_protocol_says_twice_a_year() -> None:
    found = windows(
        {"windows": [{"opens": "apr", "closes": "may"}, {"opens": "sep", "closes": "oct"}]}
    )
    assert [w[0] for w in found] == [date(2026, 4, 1), date(2026, 9, 1)]


def test_it_splits_the_financial_year_into_quarters_and_halves() -> None:
    quarters = windows({"every": "quarter"})
    assert [(o, c) for o, c, _ in quarters] == [
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
    ]
    halves = windows({"every": "half-year"})
    assert [(o, c) for o, c, _ in halves] == [
        (date(2026, 4, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2027, 3, 31)),
    ]


def test_it_spans_the_whole_year_or_the_month_given_for_annual_duties() -> None:
    assert windows({"every": "year"}) == [(date(2026, 4, 1), date(2027, 3, 31), date(2027, 3, 31))]
    assert windows({"every": "year", "month": "jan"}) == [
        (date(2027, 1, 1), date(2027, 1, 31), date(2027, 1, 29))
    ]


def test_it_has_no_occurrences_for_on_demand_duties() -> None:
    assert windows({"on_demand": True}) == []


def test_it_dates_minutes_duties_from_each_meeting_of_the_named_board() -> None:
    duty = spec({"after_meetings": {"of": ["a"], "within_working_days": 10}})
    meetings = [
        MeetingRef("1", "a", datetime(2026, 12, 17, 14, 0, tzinfo=UTC)),
        MeetingRef("2", "b", datetime(2026, 12, 18, 14, 0, tzinfo=UTC)),
    ]
    [found] = occurrences(duty, [2026], meetings=meetings)
    # Ten working days after Thu 17 Dec 2026, skipping Christmas and Boxing Day substitute.
    assert (found.opens, found.due, found.period_key) == (
        date(2026, 12, 17),
        date(2027, 1, 5),
        "meeting:1",
    )


def test_it_can_keep_a_close_on_a_weekend_when_the_protocol_asks() -> None:
    duty = spec({"windows": [{"opens": "oct", "closes": "feb"}]})
    [found] = occurrences(duty, [2026], close_on_working_day=False)
    assert found.due == date(2027, 2, 28)
