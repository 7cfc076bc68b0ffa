"""Dates as people type them in commands: the one module that reads them.

`meeting_time(text, now)`: a meeting's day and time (for /meetings), as an aware UTC instant.
`meeting_day(text, today)`: the day a meeting was held (for /minutes), a past London day.

meeting_time reads day first (DMY): `03/04` is 3 April. A time is required: `10:00`, `2pm`,
`2.30pm`, `noon`, or a bare hour after "at" read on the 24-hour clock (`at 10`, `at 14`); `at 1`
to `at 7` are refused as ambiguous. "next Tuesday" and "Tuesday" mean the first Tuesday after
today, "this Tuesday" may be today. "first|second|third|fourth|last WEEKDAY of MONTH [YEAR]" is
computed here, because dateparser does not read it. Vague days ("end of November", "next week")
are refused, as are instants in the past or more than two years ahead: nothing is guessed.

meeting_day reads `2026-03-03`, `3 March 2026`, `3 Mar`, `03/03/2026`, `today` or `yesterday`;
a day without a year is the latest one not in the future, and it is within the last ten years.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from schedules import calendar
from schedules.calendar import short_date
from schedules.meeting_times import moment_label
from storage.errors import BoardbotError

EXAMPLE = "3 March at 10:00"
FURTHEST_AHEAD = relativedelta(years=2)
DAY_EXAMPLE = "write it day first, e.g. 3 March 2026, 3 Mar, 03/03/2026 or 2026-03-03"
FURTHEST_BACK = relativedelta(years=10)  # older minutes are history, not a protocol's cycle
RELATIVE_DAYS = {"today": 0, "yesterday": 1}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
WORDS_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_NAMES = {name: n for n, full in enumerate(WEEKDAYS) for name in (full, full[:3])} | {
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
WEEKDAY = rf"(?P<weekday>{'|'.join(sorted(WEEKDAY_NAMES, key=len, reverse=True))})"
RELATIVE_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
ORDINALS |= {"4th": 4, "last": -1}
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS = {name: n for n, full in enumerate(MONTH_NAMES, start=1) for name in (full, full[:3])} | {
    "sept": 9
}

AMPM = r"(?P<ampm>[ap])\.?m\.?"
CLOCK = re.compile(
    r"(?<![\d./:])(?:\bat\s+)?(?:"
    rf"(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}})(?![.:/]?\d)\s*(?:{AMPM})?"
    r"|(?P<bare>\d{1,2})\s*(?P<ampm2>[ap])\.?m\.?"
    r"|\bat\s+(?P<at>\d{1,2})(?![\d:./])"
    r"|(?P<noon>\bnoon\b|\bmidday\b)"
    r")(?![a-z])"
)
VAGUE = re.compile(
    r"\b(?:end|start|beginning|middle|mid|early|late)\b(?:\s+of)?"
    r"|\b(?:next|this|coming|last)\s+(?:week|weekend|fortnight|month|year)\b"
    r"|\bweekend\b"
)
NTH_WEEKDAY = re.compile(
    rf"^(?:the\s+)?(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+{WEEKDAY}"
    r"\s+(?:of|in)\s+(?P<month>[a-z]+)(?:\s+(?P<year>\d{4}))?$"
)
PLAIN_WEEKDAY = re.compile(rf"^(?:on\s+)?(?:(?P<which>next|this|coming)\s+)?{WEEKDAY}$")
# A year, or an offset such as "in 12 months", that dateparser has already applied.
HAS_YEAR_OR_OFFSET = re.compile(r"\b(?:in|\d{4})\b|\d[/.-]\d{1,2}[/.-]\d")


def meeting_time(text: str, now: datetime) -> datetime:
    """The instant `text` names, in UTC; a BoardbotError with an example when it is not clear."""
    cleaned = " ".join(text.lower().replace(",", " ").split()).strip(" .")
    if not cleaned:
        raise BoardbotError(f"give the day and time, e.g. {EXAMPLE}")
    if VAGUE.search(cleaned):
        raise BoardbotError(f"'{text.strip()}' is not a day; give a date and time, e.g. {EXAMPLE}")
    clock, day_text = split_clock(cleaned, text)
    if not day_text:
        raise BoardbotError(f"give the day as well as the time, e.g. {EXAMPLE}")
    today = calendar.london_date(now)
    day = day_of_words(day_text, today, text)
    if clock is None:
        raise BoardbotError(f"a meeting needs a time as well as a day; e.g. {EXAMPLE}")
    moment = calendar.at_local_time(day, clock)
    if moment.astimezone(calendar.LONDON).time() != clock:
        raise BoardbotError(
            f"{clock:%H:%M} does not exist on {day.day} {day:%B %Y}: the clocks go forward"
        )
    if moment <= now:
        raise BoardbotError(f"{london_label(moment)} is in the past; give a future date and time")
    if moment > now + FURTHEST_AHEAD:
        raise BoardbotError(f"{london_label(moment)} is more than two years ahead")
    return moment


def london_label(moment: datetime) -> str:
    """'Wednesday 3 March 2027, 10:00', in London time."""
    return moment_label(moment, all_day=False)


def split_clock(cleaned: str, original: str) -> tuple[time | None, str]:
    """The time of day, if one is given, and the words left for the day."""
    found = list(CLOCK.finditer(cleaned))
    if len(found) > 1:
        raise BoardbotError(
            f"'{original.strip()}' has more than one time; give one, e.g. {EXAMPLE}"
        )
    if not found:
        return None, tidy(cleaned)
    match = found[0]
    rest = cleaned[: match.start()] + " " + cleaned[match.end() :]
    return clock_of(match, original), tidy(rest)


def tidy(words: str) -> str:
    words = " ".join(words.split())
    return re.sub(r"^(?:on|at)\s+|\s+(?:at|on|from)$", "", words).strip()


def clock_of(match: re.Match[str], original: str) -> time:
    parts = match.groupdict()
    if parts["noon"]:
        return time(12, 0)
    if parts["at"]:
        hour = int(parts["at"])
        if hour < 8:
            raise BoardbotError(
                f"'at {hour}' could be morning or evening; write it with am or pm, or on the "
                "24-hour clock, e.g. 7pm or 19:00"
            )
        return checked_clock(hour, 0, None, original)
    if parts["bare"]:
        return checked_clock(int(parts["bare"]), 0, parts["ampm2"], original)
    return checked_clock(int(parts["hour"]), int(parts["minute"]), parts["ampm"], original)


def checked_clock(hour: int, minute: int, ampm: str | None, original: str) -> time:
    if ampm is not None:
        if not 1 <= hour <= 12:
            raise BoardbotError(f"'{original.strip()}' has no such time; e.g. {EXAMPLE}")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        raise BoardbotError(f"'{original.strip()}' has no such time; e.g. {EXAMPLE}")
    return time(hour, minute)


def day_of_words(words: str, today: date, original: str) -> date:
    if match := NTH_WEEKDAY.match(words):
        return nth_weekday(match, today)
    if match := PLAIN_WEEKDAY.match(words):
        return coming_weekday(match, today)
    found = dateparser_day(words, today)
    if found is None:
        raise BoardbotError(f"I can't read '{original.strip()}' as a day and time; e.g. {EXAMPLE}")
    named = [WEEKDAY_NAMES[w] for w in re.findall(r"[a-z]+", words) if w in WEEKDAY_NAMES]
    if named and found.weekday() not in named:
        raise BoardbotError(
            f"{found.day} {found:%B %Y} is a {found:%A}, not a {WEEKDAYS[named[0]].title()}"
        )
    return found


def coming_weekday(match: re.Match[str], today: date) -> date:
    """'this Tuesday' may be today; 'Tuesday' and 'next Tuesday' are the first one after today."""
    target = WEEKDAY_NAMES[match["weekday"]]
    ahead = (target - today.weekday()) % 7
    if ahead == 0 and match["which"] != "this":
        ahead = 7
    return today + timedelta(days=ahead)


def nth_weekday(match: re.Match[str], today: date) -> date:
    """The nth weekday of a month: this year's if it is still to come, else next year's."""
    target = WEEKDAY_NAMES[match["weekday"]]
    month = MONTHS.get(match["month"])
    if month is None:
        raise BoardbotError(f"'{match['month']}' is not a month; e.g. first Monday of December")
    nth = ORDINALS[match["nth"]]
    years = [int(match["year"])] if match["year"] else [today.year, today.year + 1]
    for year in years:
        start = date(year, month, 1)
        if nth > 0:
            found = start + relativedelta(weekday=RELATIVE_WEEKDAYS[target](nth))
        else:
            found = start + relativedelta(day=31, weekday=RELATIVE_WEEKDAYS[target](-1))
        if found >= today or match["year"]:
            return found
    raise AssertionError("unreachable: next year's date is always to come")


def dateparser_settings(today: date) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": datetime.combine(today, time(0, 0)),  # London, naive
        "TIMEZONE": "Europe/London",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "REQUIRE_PARTS": ["day", "month"],  # "March" alone is not a day
    }


def dateparser_day(words: str, today: date) -> date | None:
    """The London day dateparser reads in `words` (the time of day is handled separately)."""
    import dateparser  # its first import and parse are slow; see warm_up

    found = dateparser.parse(words, languages=["en"], settings=dateparser_settings(today))
    if found is None:
        return None
    day: date = found.date()
    # dateparser moves a year-less "23 November", said on 23 November, to next year.
    if not HAS_YEAR_OR_OFFSET.search(words) and day - relativedelta(years=1) == today:
        return today
    return day


def warm_up() -> None:
    """Pay dateparser's first-use cost (~300 ms) at start-up rather than in a user's command."""
    dateparser_day("3 March 2027", date(2026, 11, 23))


# -- the day a meeting was held ------------------------------------------------------------


def meeting_day(text: str, today: date, *, usage: str | None = None) -> date:
    """A past meeting's day, read day first; a day without a year is the latest one not in the
    future. A BoardbotError (with `usage`) says what was wrong and how to write it."""
    spoken = " ".join(text.lower().replace(",", " ").split())
    if spoken in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[spoken])
    try:
        day = _written_day(spoken, today)
    except ValueError:
        day = None
    if day is None:
        raise BoardbotError(f"'{text}' is not a date I can read; {DAY_EXAMPLE}", usage=usage)
    if day > today:
        raise BoardbotError(
            f"{short_date(day)} is in the future; log minutes once the meeting has happened",
            usage=usage,
        )
    if day < today - FURTHEST_BACK:
        raise BoardbotError(
            f"'{text}' is more than ten years ago; minutes can be logged for meetings "
            f"since {short_date(today - FURTHEST_BACK)}",
            usage=usage,
        )
    return day


def _written_day(spoken: str, today: date) -> date | None:
    if match := ISO_DATE.match(spoken):
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    if match := SLASH_DATE.match(spoken):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = WORDS_DATE.match(spoken)
    if not match or match.group(2) not in MONTHS:
        return None
    day, month = int(match.group(1)), MONTHS[match.group(2)]
    if match.group(3):
        return date(int(match.group(3)), month, day)
    this_year = date(today.year, month, day)
    return this_year if this_year <= today else date(today.year - 1, month, day)
