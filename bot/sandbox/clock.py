"""The sandbox's own clock: it starts on a fixed demo day and only ever moves forward.

The sandbox never reads the real date. It starts on Monday 31 August 2026 at 09:05 London
time (a bank holiday, and the day before the safeguarding boards' annual-report windows open),
runs on with the real time that passes while someone uses the page, and moves further only by
jumps to a later day. A jump ticks the clock on each working day it passes, at 09:05, so every
prompt goes out on its own day and none is sent late.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any

from schedules import calendar
from schedules.clock import TickReport
from schedules.cycle import duty_specs, occurrences
from schedules.protocol import Protocol
from storage.errors import BoardbotError

SEND_TIME = time(9, 5)  # just after the clock's 09:00 send time, London
DEMO_DAY = date(2026, 8, 31)
DEMO_START = calendar.at_local_time(DEMO_DAY, SEND_TIME)
MAX_JUMP = timedelta(days=366)  # a jump ticks each working day on the way: a year at a time


class SandboxClock:
    """'Now' for the bot, the clock's ticks and the stand-in Slack's message times.

    It reads the instant it was last set to plus the time `elapsed` (a monotonic source, never
    the real date) has measured since. While it is held, it stands still: a jump holds it at
    each day's send time while that day's tick runs, so the tick's messages carry that time.
    """

    def __init__(
        self, start: datetime = DEMO_START, elapsed: Callable[[], float] = monotonic
    ) -> None:
        self._elapsed = elapsed
        self._lock = threading.Lock()
        self._set_to, self._mark, self._held = start, elapsed(), False

    def now(self) -> datetime:
        with self._lock:
            if self._held:
                return self._set_to
            return self._set_to + timedelta(seconds=max(0.0, self._elapsed() - self._mark))

    def today(self) -> date:
        return calendar.london_date(self.now())

    def hold(self, instant: datetime) -> None:
        """Stand still at `instant`, which is never before now."""
        now = self.now()
        with self._lock:
            self._set_to, self._held = max(instant, now), True

    def release(self) -> None:
        """Run on from where it stands."""
        with self._lock:
            self._mark, self._held = self._elapsed(), False


@dataclass(frozen=True)
class Jump:
    """A relative jump the page offers: where it goes from today, and what it is called."""

    key: str
    label: str
    day: date

    def as_json(self) -> dict[str, str]:
        return {
            "key": self.key,
            "label": self.label,
            "date": self.day.isoformat(),
            "day_label": f"{self.day:%a} {self.day.day} {self.day:%b}",
        }


def relative_jumps(today: date, protocol: Protocol) -> list[Jump]:
    jumps = [
        Jump("next-working-day", "Next working day", calendar.add_working_days(today, 1)),
        Jump("next-week", "+1 week", today + timedelta(weeks=1)),
    ]
    opening = next_window_opening(protocol, today)
    if opening is not None:
        jumps.append(Jump("next-window", "Next window opening", opening))
    jumps.append(Jump("next-digest", "Next Monday (digest)", next_digest_day(today)))
    return jumps


def next_window_opening(protocol: Protocol, today: date) -> date | None:
    """The next day after `today` on which a duty's window opens and its prompts go out
    (a window opening at a weekend is announced on the next working day)."""
    start_month = protocol.partnership.year_start_month
    fy = calendar.financial_year(today, start_month)
    close_on_working_day = protocol.prompts.close_on_working_day
    days = {
        calendar.on_or_after(occurrence.opens)
        for spec in duty_specs(protocol)
        if not spec.schedule.after_meetings  # those open when a meeting is held, not on a day
        for occurrence in occurrences(
            spec,
            range(fy, fy + 2),
            start_month=start_month,
            close_on_working_day=close_on_working_day,
        )
    }
    return min((day for day in days if day > today), default=None)


def next_digest_day(today: date) -> date:
    """The day next week's digest goes out: next Monday, or the working day after it."""
    monday = today + timedelta(days=7 - today.weekday())
    return calendar.on_or_after(monday)


def check_jump(today: date, day: date) -> None:
    """A jump goes forward, at most a year at a time; anything else is refused with why."""
    if day <= today:
        said = "today" if day == today else f"{day:%a} {day.day} {day:%b %Y} is in its past"
        raise BoardbotError(
            f"the sandbox's clock only goes forward: it is {today:%a} {today.day} {today:%b %Y}"
            f" and {said}; pick a later day (restart the sandbox to begin again on "
            f"{DEMO_DAY:%a} {DEMO_DAY.day} {DEMO_DAY:%b %Y})"
        )
    latest = today + MAX_JUMP
    if day > latest:
        raise BoardbotError(
            f"{day.isoformat()} is too far ahead; a jump goes at most a year at a time "
            f"(up to {latest.isoformat()}), ticking the clock on every working day on the way"
        )


def days_to_tick(after: date, until: date) -> Iterator[date]:
    """The days a jump ticks, in order: each working day after `after` up to `until`, and
    `until` itself (where nothing is sent if it is a weekend or a bank holiday)."""
    day = after
    while day < until:
        day += timedelta(days=1)
        if day == until or calendar.is_working_day(day):
            yield day


def combined(reports: list[TickReport]) -> TickReport:
    """What a jump's ticks did, together; what is left is what the last one left."""
    total = TickReport(left=reports[-1].left if reports else 0)
    for report in reports:
        total.recorded += report.recorded
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        total.recovered += report.recovered
        total.errors += report.errors
    return total


def posted_at(timestamp: float) -> dict[str, Any]:
    """When a message was posted, as the page shows it: its London day and time."""
    local = datetime.fromtimestamp(timestamp, UTC).astimezone(calendar.LONDON)
    return {"posted": timestamp, "day": local.date().isoformat(), "time": f"{local:%H:%M}"}
