"""When a duty is due: month windows, a cadence from an anchor, after meetings, triggered."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from schedules.protocol.fields import Key, Month, Strict

# The named cadences and their length in months; any other is "N months" or "N years".
NAMED_PERIODS = {"quarter": 3, "half-year": 6, "year": 12}
MAX_PERIOD_MONTHS = 120
_PERIOD = re.compile(r"^(\d{1,4}) ?(month|year)s?$")
EVERY_FORMS = 'quarter, half-year, year, "N months" or "N years"'


def period_name(months: int) -> str:
    """The canonical spelling of a period of `months` months: quarter, 18 months, 2 years."""
    for name, length in NAMED_PERIODS.items():
        if length == months:
            return name
    if months % 12 == 0:
        return f"{months // 12} years"
    return f"{months} month" + ("s" if months != 1 else "")


def parse_every(value: object) -> object:
    """Read quarter, half-year, year, "18 months", "2 years" (any case) as the period meant."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            f'{value} has no unit; write "{value} months" or "{value} years", in quotes'
        )
    if not isinstance(value, str):
        return value
    text = " ".join(value.strip().lower().replace("half year", "half-year").split())
    if text in NAMED_PERIODS:
        return text
    match = _PERIOD.match(text)
    if match is None:
        raise ValueError(f"'{value}' is not a period; write {EVERY_FORMS}, e.g. every: \"2 years\"")
    months = int(match.group(1)) * (12 if match.group(2) == "year" else 1)
    if not 1 <= months <= MAX_PERIOD_MONTHS:
        raise ValueError(f"'{value}' is not from 1 month to 10 years; write e.g. \"2 years\"")
    return period_name(months)


Every = Annotated[str, BeforeValidator(parse_every)]


class MonthWindow(Strict):
    """From the first day of `opens` to the last day of `closes`; may cross the New Year."""

    opens: Month
    closes: Month


class AfterMeetings(Strict):
    """Due within N working days after each meeting of the named boards."""

    of: list[Key] = Field(min_length=1)
    within_working_days: int = Field(ge=1, le=60)


class Triggered(Strict):
    """Opened by an event: someone triggers it, or (with `by`) another duty is marked done."""

    within_working_days: int = Field(ge=1, le=120)
    by: Key | None = None


FORMS = ("windows", "every", "after_meetings", "triggered", "on_demand")


class Schedule(Strict):
    """Exactly one of: windows, every, after_meetings, triggered, on_demand."""

    windows: list[MonthWindow] | None = Field(default=None, min_length=1)
    every: Every | None = None
    anchor: date | None = Field(default=None, alias="from")
    month: Month | None = None
    after_meetings: AfterMeetings | None = None
    triggered: Triggered | None = None
    on_demand: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        chosen = [name for name in FORMS if getattr(self, name) not in (None, False)]
        if len(chosen) != 1:
            found = ", ".join(chosen) if chosen else "none"
            raise ValueError(
                "give exactly one of windows, every, after_meetings, triggered or on_demand "
                f"(found {found}); e.g. windows: [{{opens: sep, closes: nov}}]"
            )
        self._check_every()
        return self

    def _check_every(self) -> None:
        if self.month is not None and self.every != "year":
            raise ValueError("month goes only with every: year, e.g. {every: year, month: jun}")
        if self.anchor is not None and self.every is None:
            raise ValueError('from goes only with every, e.g. {every: "2 years", from: 2014-10-28}')
        if self.anchor is not None and self.month is not None:
            raise ValueError(
                "write month or from, not both: from already fixes the day each period starts"
            )
        months = self.every_months
        if months and 12 % months and self.anchor is None:
            raise ValueError(
                f'every: "{self.every}" does not divide a year, so it needs from: the date the '
                f'periods count from, e.g. {{every: "{self.every}", from: 2014-10-28}}'
            )

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if "anchor" in data:  # the file's spelling, so that a dump validates again
            data["from"] = data.pop("anchor")
        return data

    @property
    def kind(self) -> str:
        for name in FORMS:
            if getattr(self, name) not in (None, False):
                return name
        return "on_demand"

    @property
    def every_months(self) -> int | None:
        """The cadence's length in months, or None when the schedule has no `every`."""
        if self.every is None:
            return None
        if self.every in NAMED_PERIODS:
            return NAMED_PERIODS[self.every]
        count, unit = self.every.split()
        return int(count) * (12 if unit.startswith("year") else 1)

    def describe(self) -> str:
        """In words, as `protocols show` prints it: Sep–Nov, every 2 years from 28 Oct 2014."""
        abbr = calendar.month_abbr
        if self.windows:
            return " and ".join(f"{abbr[w.opens]}–{abbr[w.closes]}" for w in self.windows)
        if self.every:
            text = f"every {self.every}"
            if self.month:
                text += f" in {abbr[self.month]}"
            if self.anchor:
                text += f" from {self.anchor.day} {self.anchor:%b %Y}"
            return text
        if self.after_meetings:
            rule = self.after_meetings
            boards = ", ".join(rule.of)
            return f"within {rule.within_working_days} working days after meetings of {boards}"
        if self.triggered:
            rule_t = self.triggered
            text = f"within {rule_t.within_working_days} working days of being triggered"
            return text + (f", and when {rule_t.by} is done" if rule_t.by else "")
        return "on demand"
