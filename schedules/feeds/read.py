"""An iCalendar feed's events as meetings-to-be: each instance of each event, in UTC.

Repeating events (RRULE, RDATE, EXDATE, instances moved by RECURRENCE-ID) are expanded by
`recurring-ical-events` within one year back and two years ahead. TZID times are read in their
zone (with or without a VTIMEZONE), UTC times as UTC, floating times as London time; an all-day
event becomes a meeting without a time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from schedules import calendar
from schedules.feeds.fetch import FeedError
from schedules.meeting_times import all_day_start

LOOK_BACK = relativedelta(years=1)
LOOK_AHEAD = relativedelta(years=2)
VENUE_LIMIT = 200


@dataclass(frozen=True)
class FeedEvent:
    """One instance of a feed's event: the key that finds it again, and when and where it is."""

    uid: str
    recurrence: str  # "" for a single event; the instance's original start in a series
    starts_at: datetime
    all_day: bool
    summary: str
    location: str
    cancelled: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.uid, self.recurrence)


@dataclass
class Feed:
    events: list[FeedEvent] = field(default_factory=list)
    unusable: Counter[str] = field(default_factory=Counter)  # reason -> how many
    refresh: timedelta | None = None  # the feed's REFRESH-INTERVAL / X-PUBLISHED-TTL

    def span(self) -> tuple[date, date] | None:
        """The London days this feed speaks for: its first event's to its last's."""
        if not self.events:
            return None
        days = [calendar.london_date(e.starts_at) for e in self.events]
        return min(days), max(days)


def read_feed(data: bytes, now: datetime) -> Feed:
    """The feed's event instances in the window around `now`; FeedError if it is not iCalendar."""
    import icalendar
    import recurring_ical_events

    check_looks_like_icalendar(data)
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as trouble:
        raise FeedError(f"the feed is not valid iCalendar ({trouble})") from None
    today = calendar.london_date(now)
    try:
        found = recurring_ical_events.of(parsed).between(today - LOOK_BACK, today + LOOK_AHEAD)
    except Exception as trouble:  # noqa: BLE001 - the library's errors have no common base
        raise FeedError(f"the feed's events cannot be read ({trouble})") from None
    repeating = repeating_uids(parsed)
    feed = Feed(refresh=refresh_interval(parsed))
    for component in found:
        event, reason = feed_event(component, repeating)
        if event is None:
            feed.unusable[reason] += 1
        else:
            feed.events.append(event)
    return feed


def check_looks_like_icalendar(data: bytes) -> None:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15]
    if not start.upper().startswith(b"BEGIN:VCALENDAR"):
        opening = data[:40].decode("utf-8", "replace").split("\n")[0].strip()
        said = f" (it begins '{opening}')" if opening else " (it is empty)"
        raise FeedError(f"the feed is not iCalendar{said}")


def repeating_uids(parsed: Any) -> set[str]:
    """UIDs of events that repeat (or have moved instances): their instances are keyed apart."""
    found = set()
    for component in parsed.walk("VEVENT"):
        if any(name in component for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
            found.add(str(component.get("UID", "")).strip())
    return found


def feed_event(component: Any, repeating: set[str]) -> tuple[FeedEvent | None, str]:
    uid = str(component.get("UID", "")).strip()
    if not uid:
        return None, "without a UID"
    if len(uid) > 255:
        return None, "with a UID over 255 characters"
    if "DTSTART" not in component:
        return None, "without a start"
    start = component.decoded("DTSTART")
    recurrence = ""
    if uid in repeating and "RECURRENCE-ID" in component:
        recurrence = instance_key(component.decoded("RECURRENCE-ID"))
    location = " ".join(str(component.get("LOCATION", "")).split())
    if len(location) > VENUE_LIMIT:
        location = location[: VENUE_LIMIT - 1] + "…"
    event = FeedEvent(
        uid=uid,
        recurrence=recurrence,
        starts_at=utc_start(start),
        all_day=not isinstance(start, datetime),
        summary=" ".join(str(component.get("SUMMARY", "")).split()),
        location=location,
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
    )
    return event, ""


def utc_start(start: date | datetime) -> datetime:
    if not isinstance(start, datetime):
        return all_day_start(start)
    if start.tzinfo is None:  # floating: read as London time
        start = start.replace(tzinfo=calendar.LONDON)
    return start.astimezone(UTC)


def instance_key(original: date | datetime) -> str:
    """An instance's original start, written one way however the feed wrote it."""
    if not isinstance(original, datetime):
        return f"{original:%Y%m%d}"
    return f"{utc_start(original):%Y%m%dT%H%M%SZ}"


def refresh_interval(parsed: Any) -> timedelta | None:
    """The longest of REFRESH-INTERVAL and X-PUBLISHED-TTL: how often the feed asks to be read."""
    found = [d for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL") if (d := duration(parsed, name))]
    return max(found) if found else None


def duration(parsed: Any, name: str) -> timedelta | None:
    import icalendar

    value = parsed.get(name)
    if value is None:
        return None
    decoded = getattr(value, "dt", None)
    if not isinstance(decoded, timedelta):
        try:
            decoded = icalendar.vDuration.from_ical(str(value).strip())
        except ValueError:
            return None
    return decoded if isinstance(decoded, timedelta) and decoded > timedelta(0) else None
