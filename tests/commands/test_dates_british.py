"""Dates as a British reader reads them: over many phrases and many "today"s, a typed day is either
the one such a reader would name, or refused, offering the days it could mean."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.dates import MONTH_NAMES, WEEKDAYS, london_label, meeting_time
from schedules import calendar
from storage.errors import BoardbotError

TWO_PM = time(14, 0)
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2034, 12, 31))
WEEKDAY = st.integers(min_value=0, max_value=6)


def morning_of(today: date) -> datetime:
    """07:00 in London on `today`: any 2pm from today on is still to come."""
    return calendar.at_local_time(today, time(7, 0))


def short(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def read(text: str, today: date) -> date | BoardbotError:
    try:
        moment = meeting_time(text, morning_of(today))
    except BoardbotError as refused:
        return refused
    assert moment == calendar.at_local_time(calendar.london_date(moment), TWO_PM)
    return calendar.london_date(moment)


def coming(weekday: int, today: date) -> date:
    """The first such weekday after today."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def next_of(day: int, month: int, today: date) -> date:
    """The next such day from today on."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def assert_reads_as(found: date | BoardbotError, expected: date) -> None:
    assert found == expected, f"read as {found}, a British reader says {expected}"


def assert_offers(found: date | BoardbotError, *days: date) -> None:
    assert isinstance(found, BoardbotError), f"guessed {found} where {days} are both meant"
    for day in days:
        assert short(day) in found.message
    assert "write the date, e.g." in found.message


@settings(max_examples=150, deadline=None)
@given(today=DAYS, weekday=WEEKDAY)
def test_a_plain_weekday_is_the_first_one_after_today(today: date, weekday: int) -> None:
    name = WEEKDAYS[weekday]
    for text in (f"{name} 2pm", f"coming {name[:3]} at 2pm", f"this coming {name} 14:00"):
        assert_reads_as(read(text, today), coming(weekday, today))


@settings(max_examples=150, deadline=None)
@given(today=DAYS, weekday=WEEKDAY)
def test_next_weekday_is_refused_with_both_days_when_this_weeks_is_still_to_come(
    today: date, weekday: int
) -> None:
    found = read(f"next {WEEKDAYS[weekday]} 2pm", today)
    first = coming(weekday, today)
    if weekday > today.weekday():  # later this week: this week's or next week's?
        assert_offers(found, first, first + timedelta(days=7))
    else:
        assert_reads_as(found, first)


@settings(max_examples=150, deadline=None)
@given(today=DAYS, weekday=WEEKDAY)
def test_this_weekday_is_in_this_week_and_refused_once_it_has_passed(
    today: date, weekday: int
) -> None:
    found = read(f"this {WEEKDAYS[weekday]} at 2pm", today)
    this_week = today + timedelta(days=weekday - today.weekday())
    if this_week >= today:
        assert_reads_as(found, this_week)
    else:
        assert isinstance(found, BoardbotError)
        assert short(this_week) in found.message
        assert short(coming(weekday, today)).split(" ", 1)[1] in found.message


@settings(max_examples=200, deadline=None)
@given(today=DAYS, day=st.integers(1, 28), month=st.integers(1, 12), sep=st.sampled_from("/.-"))
def test_a_date_in_figures_is_day_first_and_the_next_such_day(
    today: date, day: int, month: int, sep: str
) -> None:
    expected = next_of(day, month, today)
    assert_reads_as(read(f"{day:02d}{sep}{month:02d} 2pm", today), expected)
    assert_reads_as(read(f"{day}{sep}{month}{sep}{expected.year} 2pm", today), expected)
    assert_reads_as(read(f"{day}{sep}{month}{sep}{expected.year % 100:02d} 2pm", today), expected)
    assert_reads_as(read(f"{day} {MONTH_NAMES[month - 1]} at 2pm", today), expected)
    assert_reads_as(read(f"{expected.year}-{month:02d}-{day:02d} 14:00", today), expected)


@settings(max_examples=100, deadline=None)
@given(today=DAYS, day=st.integers(13, 31), month=st.integers(1, 12))
def test_a_month_first_date_in_figures_is_refused_never_swapped(
    today: date, day: int, month: int
) -> None:
    found = read(f"{month}/{day} 2pm", today)
    assert isinstance(found, BoardbotError)
    assert f"no month {day}" in found.message


@settings(max_examples=150, deadline=None)
@given(today=DAYS, weekday=WEEKDAY)
def test_british_week_idioms_read_forward_from_today(today: date, weekday: int) -> None:
    name = WEEKDAYS[weekday]
    assert_reads_as(read("a week today at 2pm", today), today + timedelta(days=7))
    assert_reads_as(read("a fortnight tomorrow 2pm", today), today + timedelta(days=15))
    found = read(f"{name} week 2pm", today)
    if weekday == today.weekday():  # said on that weekday: in one week, or two?
        assert_offers(found, today + timedelta(days=7), today + timedelta(days=14))
    else:
        assert_reads_as(found, coming(weekday, today) + timedelta(days=7))
        assert_reads_as(read(f"a week on {name} at 2pm", today), found)  # type: ignore[arg-type]


def test_next_tuesday_said_on_monday_7_september_offers_both_tuesdays() -> None:
    with pytest.raises(BoardbotError) as refused:
        meeting_time("next Tuesday 2pm", morning_of(date(2026, 9, 7)))
    assert refused.value.message == "Tue 8 Sep or Tue 15 Sep? write the date, e.g. 15 Sep 2pm"


def test_the_offered_example_names_the_year_when_it_is_next_year() -> None:
    with pytest.raises(BoardbotError, match=r"Thu 31 Dec or Thu 7 Jan\? .*e\.g\. 7 Jan 2027 "):
        meeting_time("next Thursday at 10:00", morning_of(date(2026, 12, 28)))


def test_this_friday_said_on_a_saturday_is_refused_offering_the_coming_one() -> None:
    with pytest.raises(BoardbotError) as refused:
        meeting_time("this Friday 2pm", morning_of(date(2026, 9, 12)))
    assert refused.value.message == (
        "Friday this week was Fri 11 Sep; for the coming one write the date, e.g. 18 Sep 2pm"
    )


def test_an_accepted_time_is_echoed_with_weekday_day_month_year_and_time() -> None:
    moment = meeting_time("15 Sep 2pm", morning_of(date(2026, 9, 7)))
    assert london_label(moment) == "Tuesday 15 September 2026, 14:00"
