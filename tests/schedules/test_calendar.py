"""Working days follow England's bank holidays; 09:00 London survives the clock changes."""

from datetime import UTC, date, datetime, time

from schedules import calendar


def test_it_knows_englands_christmas_substitute_day_in_2026() -> None:
    # 26 December 2026 is a Saturday: Boxing Day moves to Monday 28 December.
    assert calendar.is_bank_holiday(date(2026, 12, 25))
    assert calendar.is_bank_holiday(date(2026, 12, 28))
    assert not calendar.is_working_day(date(2026, 12, 28))


def test_it_skips_weekends_and_bank_holidays_when_counting_working_days() -> None:
    # Thu 24 Dec 2026 + 1 working day: Fri 25, Sat, Sun, Mon 28 are all off -> Tue 29.
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert calendar.add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)


def test_it_counts_working_days_between_two_dates() -> None:
    assert calendar.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert calendar.working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0


def test_it_moves_to_the_nearest_working_day_in_the_direction_asked() -> None:
    # Saturday 27 March 2027 is followed by Easter Sunday and Easter Monday.
    assert calendar.on_or_after(date(2027, 3, 27)) == date(2027, 3, 30)
    assert calendar.on_or_before(date(2027, 2, 28)) == date(2027, 2, 26)  # Sunday -> Friday


def test_it_keeps_nine_oclock_local_across_the_clock_changes() -> None:
    summer = calendar.at_local_time(date(2026, 9, 1), time(9, 0))
    winter = calendar.at_local_time(date(2026, 12, 1), time(9, 0))
    assert summer == datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert winter == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    # The Sunday the clocks go forward and the one they go back.
    assert calendar.at_local_time(date(2027, 3, 28), time(9, 0)).hour == 8
    assert calendar.at_local_time(date(2026, 10, 25), time(9, 0)).hour == 9


def test_it_names_the_financial_year_a_day_belongs_to() -> None:
    assert calendar.financial_year(date(2027, 3, 31)) == 2026
    assert calendar.financial_year(date(2027, 4, 1)) == 2027
    assert calendar.year_label(2026) == "2026/27"
    assert calendar.year_label(2099) == "2099/00"
