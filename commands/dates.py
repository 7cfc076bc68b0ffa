"""Dates as people type them in commands: the one module that reads them.

`meeting_time(text, now)`: a meeting's day and time (for /meetings), as an aware UTC instant.
`meeting_day(text, today)`: the day a meeting was held (for /minutes), a past London day.

meeting_time reads a day as a British reader does, and refuses what such a reader would have to
ask about; nothing is guessed:
- Numbers are day first, read here rather than by dateparser: `03/04`, `3.4.27` and `03-04-2027`
  are 3 April; `2027-04-03` and `2027/04/03` are year first. A month over 12 (`04/13`) is
  refused, never swapped; a two-digit year is 20YY; a day without a year is the next one to come.
- "Tuesday" and "coming Tuesday" are the first Tuesday after today. "next Tuesday" is that too,
  unless this week's Tuesday is still to come: then it could mean either, and both dates are
  offered ("Tue 8 Sep or Tue 15 Sep? write the date, e.g. 15 Sep 2pm"). "this Tuesday" is the
  Tuesday of this week (Monday to Sunday), today included; once that day has passed it is
  refused with the coming one offered.
- "a week today", "a fortnight tomorrow", "Tuesday week", "a week on Tuesday" are read as in
  Britain (dateparser reads some of them backwards); said on a Tuesday, "Tuesday week" could be 7
  or 14 days ahead, and both are offered. Other phrases with "week" are refused, except offsets
  such as "in 2 weeks".
- "first|second|third|fourth|last WEEKDAY of MONTH [YEAR]" is computed here, because dateparser
  does not read it. Vague days ("end of November", "next week") are refused.
A time is required: `10:00`, `2pm`, `2.30pm`, `noon`, or a bare hour after "at" read on the
24-hour clock (`at 10`, `at 14`); `at 1` to `at 7` are refused as ambiguous. Instants in the past
or more than two years ahead are refused. Replies that accept a time echo it in full
(`london_label`: "Tuesday 15 September 2026, 14:00").

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
PLAIN_WEEKDAY = re.compile(
    rf"^(?:on\s+)?(?:(?P<which>next|this|coming|this\s+coming)\s+)?{WEEKDAY}$"
)
NUMERIC_DATE = re.compile(
    r"^(?:(?P<iso_y>\d{4})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})"
    r"|(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?:(?P=sep)(?P<y>\d{2}|\d{4}))?)$"
)
SPAN = r"(?P<span>(?:(?:a|one)\s+)?(?:week|fortnight)|(?:\d|two|three)\s+weeks)"
WEEK_IDIOM = re.compile(
    rf"^(?:{SPAN}\s+(?:(?P<from>today|tomorrow)|on\s+{WEEKDAY})"
    rf"|(?:(?P<from2>tomorrow)|{WEEKDAY.replace('weekday', 'weekday2')})\s+"
    r"(?P<span2>week|fortnight))$"
)
SPAN_DAYS = {"week": 7, "fortnight": 14, "two": 14, "three": 21}
OFFSET = re.compile(r"^in\s+(?:a|one|\d+|two|three|four)\s+(?:weeks?|fortnights?|days?|months?)$")
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
    day = day_of_words(day_text, today, text, clock)
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


def day_label(day: date) -> str:
    """'Tuesday 3 March 2026': a day echoed in full."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def london_label(moment: datetime) -> str:
    """'Wednesday 3 March 2027, 10:00', in London time."""
    return moment_label(moment, all_day=False)


def split_clock(cleaned: str, original: str) -> tuple[time | None, str]:
    """The time of day, if one is given, and the words left for the day."""
    found = list(CLOCK.finditer(cleaned))
    if len(found) > 1:  # "01.04 2pm": a day and month with a dot beside a time is the day
        found = [m for m in found if not could_be_day_month(m)] or found
    if len(found) > 1:
        raise BoardbotError(
            f"'{original.strip()}' has more than one time; give one, e.g. {EXAMPLE}"
        )
    if not found:
        return None, tidy(cleaned)
    match = found[0]
    rest = cleaned[: match.start()] + " " + cleaned[match.end() :]
    return clock_of(match, original), tidy(rest)


def could_be_day_month(match: re.Match[str]) -> bool:
    """'01.04' read as a time: it could also be a day and month (1 April)."""
    hour, minute = match["hour"], match["minute"]
    return bool(hour and "." in match[0] and not match["ampm"] and 1 <= int(minute) <= 12)


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


def day_of_words(words: str, today: date, original: str, clock: time | None = None) -> date:
    if match := NUMERIC_DATE.match(words):
        return numeric_day(match, today, original)
    if match := NTH_WEEKDAY.match(words):
        return nth_weekday(match, today)
    if match := PLAIN_WEEKDAY.match(words):
        return coming_weekday(match, today, clock)
    if match := WEEK_IDIOM.match(words):
        return week_idiom(match, today, clock)
    if re.search(r"\b(?:weeks?|fortnights?)\b", words) and not OFFSET.match(words):
        raise BoardbotError(f"I can't read '{original.strip()}' as a day and time; e.g. {EXAMPLE}")
    found = dateparser_day(words, today)
    if found is None:
        raise BoardbotError(f"I can't read '{original.strip()}' as a day and time; e.g. {EXAMPLE}")
    named = [WEEKDAY_NAMES[w] for w in re.findall(r"[a-z]+", words) if w in WEEKDAY_NAMES]
    if named and found.weekday() not in named:
        raise BoardbotError(
            f"{found.day} {found:%B %Y} is a {found:%A}, not a {WEEKDAYS[named[0]].title()}"
        )
    return found


def either_day(first: date, second: date, today: date, clock: time | None) -> BoardbotError:
    """The refusal of a phrase that reads as two days: both offered, and how to write one."""
    year = f" {second.year}" if second.year != today.year else ""
    example = f"{second.day} {second:%b}{year} {typed_clock(clock)}"
    return BoardbotError(
        f"{first:%a} {first.day} {first:%b} or {second:%a} {second.day} {second:%b}? "
        f"write the date, e.g. {example}"
    )


def typed_clock(clock: time | None) -> str:
    """A time as people type it: '2pm', '2.30pm', '10am'; '10:00' when none was given."""
    if clock is None:
        return "10:00"
    hour = clock.hour % 12 or 12
    minutes = f".{clock.minute:02d}" if clock.minute else ""
    return f"{hour}{minutes}{'pm' if clock.hour >= 12 else 'am'}"


def numeric_day(match: re.Match[str], today: date, original: str) -> date:
    """A date in figures, day first (or year first when it starts with four figures)."""
    if match["iso_y"]:
        year, month, day = int(match["iso_y"]), int(match["iso_m"]), int(match["iso_d"])
    else:
        day, month = int(match["d"]), int(match["m"])
        year = int(match["y"]) if match["y"] else 0
        year += 2000 if match["y"] and len(match["y"]) == 2 else 0
    unreadable = f"I can't read '{original.strip()}' as a day and time"
    if not 1 <= month <= 12:
        raise BoardbotError(
            f"{unreadable}: dates are day first (day/month), and there is no month {month}; "
            f"e.g. {EXAMPLE}"
        )
    try:
        found = date(year or today.year, month, day)
        if not year and found < today:
            found = date(today.year + 1, month, day)
    except ValueError:
        raise BoardbotError(f"{unreadable}: there is no such day; e.g. {EXAMPLE}") from None
    return found


def coming_weekday(match: re.Match[str], today: date, clock: time | None = None) -> date:
    """'Tuesday', 'coming Tuesday': the first Tuesday after today. 'next Tuesday': the same,
    unless this week's Tuesday is still to come (then it could mean either, and is refused).
    'this Tuesday': this week's (Monday to Sunday), today included; refused once it has passed."""
    target = WEEKDAY_NAMES[match["weekday"]]
    which = (match["which"] or "").split()[0] if match["which"] else ""
    ahead = (target - today.weekday()) % 7 or 7
    coming = today + timedelta(days=ahead)
    if which == "this" and not match["which"].endswith("coming"):
        this_week = today + timedelta(days=target - today.weekday())
        if this_week < today:
            raise BoardbotError(
                f"{this_week:%A} this week was {this_week:%a} {this_week.day} {this_week:%b}; "
                f"for the coming one write the date, e.g. {coming.day} {coming:%b} "
                f"{typed_clock(clock)}"
            )
        return this_week
    if which == "next" and target > today.weekday():
        raise either_day(coming, coming + timedelta(days=7), today, clock)
    return coming


def week_idiom(match: re.Match[str], today: date, clock: time | None) -> date:
    """'a week today', 'a fortnight tomorrow', 'Tuesday week', 'a week on Tuesday'."""
    span = (match["span"] or match["span2"]).split()
    days = SPAN_DAYS.get(span[0]) or (7 * int(span[0]) if span[0].isdigit() else 0)
    days = days or SPAN_DAYS[span[-1].rstrip("s")]
    if match["from"] == "today":
        return today + timedelta(days=days)
    if match["from"] == "tomorrow" or match["from2"]:
        return today + timedelta(days=1 + days)
    target = WEEKDAY_NAMES[match["weekday"] or match["weekday2"]]
    if target == today.weekday():  # "Tuesday week" said on a Tuesday: in one week or two?
        raise either_day(
            today + timedelta(days=days), today + timedelta(days=7 + days), today, clock
        )
    return today + timedelta(days=(target - today.weekday()) % 7 + days)


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
