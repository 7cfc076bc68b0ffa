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


def periods(schedule: dict[str, object], *years: int) -> list[tuple[str, date, date, str]]:
    return [
        (o.period_key, o.opens, o.due, o.label)
        for o in occurrences(spec(schedule), years or [2026])
    ]


def test_a_two_yearly_review_anchored_in_2014_falls_in_its_cycle_in_2026_27() -> None:
    # Reviewed every two years from the date of signing, 28 October 2014.
    found = periods({"every": "2 years", "from": "2014-10-28"})
    assert found == [
        # The period from 28 Oct 2024 ends on Tuesday 27 Oct 2026: due in 2026/27.
        ("2024-10-28", date(2024, 10, 28), date(2026, 10, 27), "28 Oct 2024–27 Oct 2026"),
        # The next one opens in 2026/27 and ends on 27 Oct 2028, a Friday.
        ("2026-10-28", date(2026, 10, 28), date(2028, 10, 27), "28 Oct 2026–27 Oct 2028"),
    ]


def test_a_yearly_review_from_the_date_of_signing_is_due_the_day_before_its_anniversary() -> None:
    found = periods({"every": "1 year", "from": "2014-10-28"})
    # 27 Oct 2026 is a Tuesday, 27 Oct 2027 a Wednesday.
    assert [(key, due) for key, _, due, _ in found] == [
        ("2025-10-28", date(2026, 10, 27)),
        ("2026-10-28", date(2027, 10, 27)),
    ]


def test_half_years_can_start_in_october() -> None:
    found = periods({"every": "half-year", "from": "2013-10-01"})
    assert [(opens, due, label) for _, opens, due, label in found] == [
        (date(2026, 4, 1), date(2026, 9, 30), "Apr–Sep 2026"),
        (date(2026, 10, 1), date(2027, 3, 31), "Oct 2026–Mar 2027"),
    ]
    # In a partnership whose year is the calendar year, the October half-year crosses it.
    duty = spec({"every": "half-year", "from": "2013-10-01"})
    found_calendar = occurrences(duty, [2026], start_month=1)
    assert [(o.opens, o.closes) for o in found_calendar] == [
        (date(2025, 10, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2027, 3, 31)),
    ]


def test_cadences_without_an_anchor_keep_their_period_keys_and_labels() -> None:
    # Occurrence rows are keyed by (duty, period_key): these must never change.
    assert [(key, label) for key, _, _, label in periods({"every": "quarter"})] == [
        ("2026-04-01", "Q1 2026/27"),
        ("2026-07-01", "Q2 2026/27"),
        ("2026-10-01", "Q3 2026/27"),
        ("2027-01-01", "Q4 2026/27"),
    ]
    assert [(key, label) for key, _, _, label in periods({"every": "half-year"})] == [
        ("2026-04-01", "H1 2026/27"),
        ("2026-10-01", "H2 2026/27"),
    ]
    assert [(key, label) for key, _, _, label in periods({"every": "year"})] == [
        ("2026-04-01", "2026/27")
    ]
    assert [(key, label) for key, _, _, label in periods({"every": "year", "month": "jun"})] == [
        ("2026-06-01", "Jun 2026 (2026/27)")
    ]


def test_a_period_written_in_months_is_the_named_cadence_it_equals() -> None:
    assert periods({"every": "3 months"}) == periods({"every": "quarter"})
    assert periods({"every": "12 months"}) == periods({"every": "year"})


def test_two_monthly_periods_without_an_anchor_follow_the_financial_year() -> None:
    found = periods({"every": "2 months"})
    assert [(opens, label) for _, opens, _, label in found][:2] == [
        (date(2026, 4, 1), "Apr–May 2026"),
        (date(2026, 6, 1), "Jun–Jul 2026"),
    ]
    assert len(found) == 6


def test_nothing_is_owed_before_the_date_a_cadence_counts_from() -> None:
    assert periods({"every": "year", "from": "2027-06-15"}) == []
    assert [key for key, *_ in periods({"every": "year", "from": "2027-01-15"})] == ["2027-01-15"]


def test_an_anchor_on_the_31st_keeps_to_the_month_end_without_drifting() -> None:
    found = periods({"every": "1 month", "from": "2026-01-31"})
    opens = [o for _, o, _, _ in found]
    assert opens[:3] == [date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]


def test_a_period_from_several_years_is_one_occurrence() -> None:
    found = occurrences(spec({"every": "2 years", "from": "2014-10-28"}), [2025, 2026, 2027])
    keys = [o.period_key for o in found]
    assert keys == ["2024-10-28", "2026-10-28"]
    assert len(keys) == len(set(keys))


def test_triggered_duties_have_no_occurrences_until_triggered() -> None:
    assert windows({"triggered": {"within_working_days": 10}}) == []
