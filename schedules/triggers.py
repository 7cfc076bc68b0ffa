"""Triggered duties: what a trigger opens and what it says at once, without storage or Slack.

`/duties trigger DUTY_ID [NOTE]` and a duty marked done (for duties triggered `by` it) both come
here: the occurrence to record, and the prompts of its opening, exactly as a window opening
sends them, with the note. Reminders and overdue notices follow from the occurrence as for any
other, through `plan_occurrence`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from schedules import calendar
from schedules.cycle import DutySpec, Occurrence, Trigger, opened_by, triggered_occurrence
from schedules.prompts import PlanContext, Prompt, counterpart_notice, window_opens
from schedules.protocol.model import PromptSettings

OPENING_KINDS = (window_opens, counterpart_notice)


@dataclass(frozen=True)
class Triggered:
    """An occurrence a trigger opened, and the prompts its opening sends."""

    occurrence: Occurrence
    prompts: list[Prompt]

    @property
    def sends_on(self) -> date:
        """The day the opening prompts go: the trigger's day, or the next working day."""
        return calendar.on_or_after(self.occurrence.opens)


def trigger(duty: DutySpec, at: Trigger, settings: PromptSettings) -> Triggered:
    """Open an occurrence of the triggered duty `duty` and plan the prompts of its opening."""
    occurrence = triggered_occurrence(duty, at)
    ctx = PlanContext(settings, horizon=calendar.on_or_after(occurrence.opens))
    prompts = [p for kind in OPENING_KINDS for p in kind.plan(occurrence, ctx)]
    return Triggered(occurrence, prompts)


def on_completion(
    specs: Iterable[DutySpec], done: str, source: str, day: date, settings: PromptSettings
) -> list[Triggered]:
    """What marking an occurrence of duty `done` opens, for every duty triggered `by` it.

    `source` names the completed occurrence (its id), so that each is triggered once."""
    at = Trigger(day, note=f"opened when {done} was marked done", source=source)
    return [trigger(spec, at, settings) for spec in opened_by(specs, done)]
