"""Reading dates: a meeting's day and time in London, refusing what it would have to guess."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from commands.dates import london_label, meeting_day, meeting_time, warm_up
from storage.errors import BoardbotError

# Monday 23 November 2026, 10:00 in London (GMT).
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 March at 10:00", utc(2027, 3, 3, 10, 0)),
        ("3 March 10:00", utc(2027, 3, 3, 10, 0)),
        ("3rd March at 10am", utc(2027, 3, 3, 10, 0)),
        ("3 March at 10", utc(2027, 3, 3, 10, 0)),  # dateparser alone reads 2110
        ("12 December 2026 at 10", utc(2026, 12, 12, 10, 0)),  # dateparser alone reads nothing
        ("tomorrow at 10", utc(2026, 11, 24, 10, 0)),
        ("Tomorrow at 10:00", utc(2026, 11, 24, 10, 0)),
        ("tomorrow at noon", utc(2026, 11, 24, 12, 0)),
        ("today at 14:00", utc(2026, 11, 23, 14, 0)),
        ("the day after tomorrow at 11am", utc(2026, 11, 25, 11, 0)),
        ("in 2 days at 14:30", utc(2026, 11, 25, 14, 30)),
        ("Tuesday 2pm", utc(2026, 11, 24, 14, 0)),
        ("coming Tuesday 2pm", utc(2026, 11, 24, 14, 0)),
        ("this coming Tuesday at 14:00", utc(2026, 11, 24, 14, 0)),
        ("next Monday at 10:00", utc(2026, 11, 30, 10, 0)),  # said on a Monday: a week today
        ("a week today at 10:00", utc(2026, 11, 30, 10, 0)),  # dateparser alone: a week ago
        ("a fortnight tomorrow at 10:00", utc(2026, 12, 8, 10, 0)),
        ("tomorrow week 10:00", utc(2026, 12, 1, 10, 0)),  # dateparser alone: tomorrow
        ("Tuesday week 2pm", utc(2026, 12, 1, 14, 0)),
        ("a week on Friday at 10:00", utc(2026, 12, 4, 10, 0)),
        ("in 2 weeks at 10:00", utc(2026, 12, 7, 10, 0)),
        ("Monday at 9:30", utc(2026, 11, 30, 9, 30)),  # today is a Monday: the next one
        ("this Monday at 14:00", utc(2026, 11, 23, 14, 0)),  # "this" may be today
        ("Tue 1 Dec 2pm", utc(2026, 12, 1, 14, 0)),
        ("Wednesday 3 March at 2.30pm", utc(2027, 3, 3, 14, 30)),
        ("2 December, 10:00", utc(2026, 12, 2, 10, 0)),
        ("23 November at 14:00", utc(2026, 11, 23, 14, 0)),  # today, not next year
        ("23 November 2027 at 14:00", utc(2027, 11, 23, 14, 0)),
        ("03/04 at 10:00", utc(2027, 4, 3, 9, 0)),  # day first: 3 April, in summer time
        ("03.04.2027 10.30", utc(2027, 4, 3, 9, 30)),
        ("1/2/27 10:00", utc(2027, 2, 1, 10, 0)),
        ("3.4.27 10:00", utc(2027, 4, 3, 9, 0)),  # dateparser alone: 2127
        ("03-04-2027 10:00", utc(2027, 4, 3, 9, 0)),
        ("2027/04/03 10:00", utc(2027, 4, 3, 9, 0)),  # year first: month, then day
        ("24/11 10:00", utc(2026, 11, 24, 10, 0)),
        ("22/11 10:00", utc(2027, 11, 22, 10, 0)),  # a day gone this year: next year's
        ("2027-04-03 10:00", utc(2027, 4, 3, 9, 0)),
        ("first Monday of December at 10:00", utc(2026, 12, 7, 10, 0)),
        ("the second Tuesday in January at 14:00", utc(2027, 1, 12, 14, 0)),
        ("last Friday of November 14:00", utc(2026, 11, 27, 14, 0)),
        ("first Monday of November at 10", utc(2027, 11, 1, 10, 0)),  # this year's has gone
        ("last Monday of March 2027 at 10:00", utc(2027, 3, 29, 9, 0)),
        ("28 March 2027 at 00:30", utc(2027, 3, 28, 0, 30)),  # before the clocks go forward
        ("29 March 2027 at 10:00", utc(2027, 3, 29, 9, 0)),  # the day after: BST
        ("31 October 2027 at 10:00", utc(2027, 10, 31, 10, 0)),  # back to GMT
        ("3 March at 7pm", utc(2027, 3, 3, 19, 0)),
        ("3 March 12pm", utc(2027, 3, 3, 12, 0)),
        ("3 March at 10:00.", utc(2027, 3, 3, 10, 0)),
    ],
)
def test_it_reads_a_day_and_time_in_london_as_a_utc_instant(text: str, expected: datetime) -> None:
    found = meeting_time(text, NOW)
    assert found == expected
    assert found.tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("next Tuesday", r"Tue 24 Nov or Tue 1 Dec\? write the date, e\.g\. 1 Dec 10:00"),
        ("next Tuesday 2pm", r"Tue 24 Nov or Tue 1 Dec\? write the date, e\.g\. 1 Dec 2pm"),
        ("next Sunday at 2.30pm", r"Sun 29 Nov or Sun 6 Dec\? .* e\.g\. 6 Dec 2\.30pm"),
        ("Monday week at 10:00", "Mon 30 Nov or Mon 7 Dec"),  # a Monday: one week or two?
        ("the week after next at 10:00", "I can't read"),
        ("2 weeks today tuesday 10:00", "I can't read"),
        ("31/04 10:00", "there is no such day"),
        ("29/02/27 10:00", "there is no such day"),
        ("3 March", "a meeting needs a time"),
        ("first Monday of December", "a meeting needs a time"),
        ("10:00", "give the day as well as the time"),
        ("2pm", "give the day as well as the time"),
        ("", "give the day and time"),
        ("end of November", "'end of November' is not a day"),
        ("end of November at 10:00", "is not a day"),
        ("mid-December at 10:00", "is not a day"),
        ("next week at 10:00", "is not a day"),
        ("next month at 10:00", "is not a day"),
        ("gibberish", "I can't read 'gibberish'"),
        ("christmas at 10:00", "I can't read"),
        ("March at 10:00", "I can't read"),  # which day of March?
        ("04/13 10:00", "I can't read .*there is no month 13"),  # day first; never swapped
        ("31 April 10:00", "I can't read"),
        ("3 March at 7", "could be morning or evening"),
        ("3 March at 25:00", "has no such time"),
        ("3 March 13pm", "has no such time"),
        ("3 March 10:00 11:00", "more than one time"),
        ("Tuesday 3 March at 10:00", "3 March 2027 is a Wednesday, not a Tuesday"),
        ("yesterday at 10:00", "Sunday 22 November 2026, 10:00 is in the past"),
        ("today at 09:00", "is in the past"),
        ("1 January 2026 at 10:00", "is in the past"),
        ("3 March 2030 10am", "more than two years ahead"),
        ("28 March 2027 at 01:30", "01:30 does not exist on 28 March 2027"),
    ],
)
def test_it_refuses_what_it_would_have_to_guess(text: str, message: str) -> None:
    with pytest.raises(BoardbotError, match=message):
        meeting_time(text, NOW)


def test_every_refusal_of_unclear_text_gives_an_example() -> None:
    for text in ("3 March", "10:00", "gibberish", "end of November", "3 March at 25:00"):
        with pytest.raises(BoardbotError, match=r"e\.g\. 3 March at 10:00"):
            meeting_time(text, NOW)


def test_two_years_ahead_is_the_furthest_it_accepts() -> None:
    assert meeting_time("23 November 2028 at 09:00", NOW) == utc(2028, 11, 23, 9, 0)
    with pytest.raises(BoardbotError, match="more than two years ahead"):
        meeting_time("23 November 2028 at 11:00", NOW)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/01/0001 10:00", "is in the past"),
        ("first Monday of January 0001 at 10:00", "is in the past"),
        ("31/12/9999 23:30", "more than two years ahead"),
        ("last Friday of December 9999 at 10:00", "more than two years ahead"),
    ],
)
def test_a_day_at_the_ends_of_the_calendar_is_refused_not_a_crash(text: str, message: str) -> None:
    with pytest.raises(BoardbotError, match=message):
        meeting_time(text, NOW)


def test_the_relative_base_is_the_london_day_not_the_utc_one() -> None:
    # 23:30 UTC on 28 March 2027 is already 00:30 on 29 March in London.
    late = utc(2027, 3, 28, 23, 30)
    assert meeting_time("tomorrow at 10:00", late) == utc(2027, 3, 30, 9, 0)


def test_it_labels_an_instant_in_london_time() -> None:
    assert london_label(utc(2027, 3, 3, 10, 0)) == "Wednesday 3 March 2027, 10:00"
    assert london_label(utc(2027, 3, 29, 9, 0)) == "Monday 29 March 2027, 10:00"


def test_warming_up_loads_dateparser_so_that_a_first_command_does_not() -> None:
    import sys

    warm_up()
    assert "dateparser" in sys.modules
    assert meeting_time("3 March at 10:00", NOW) == utc(2027, 3, 3, 10, 0)


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-03", date(2026, 3, 3)),
        ("3 March 2026", date(2026, 3, 3)),
        ("3rd Mar", date(2026, 3, 3)),  # without a year: the latest one not in the future
        ("24 Nov", date(2025, 11, 24)),
        ("03/03/2026", date(2026, 3, 3)),
        ("Yesterday", date(2026, 11, 22)),
        ("today", TODAY),
    ],
)
def test_a_meeting_day_is_read_day_first_and_never_in_the_future(text: str, expected: date) -> None:
    assert meeting_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 Smarch", "is not a date I can read; write it day first"),
        ("31/02/2026", "is not a date I can read"),
        ("2027-01-01", "1 Jan 2027 is in the future"),
        ("22 Nov 2016", "more than ten years ago"),
    ],
)
def test_a_meeting_day_that_cannot_be_is_refused_saying_how_to_write_it(
    text: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message):
        meeting_day(text, TODAY, usage="Usage: `/minutes BOARD DATE [LINK]`")
