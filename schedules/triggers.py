"""Triggered duties: what a trigger opens and what it says at once; and recording it.

`/duties trigger DUTY_ID [NOTE]` and a duty marked done (for duties triggered `by` it) both come
here: the occurrence to record, and the prompts of its opening, exactly as a window opening
sends them, with the note. Reminders and overdue notices follow from the occurrence as for any
other, through `plan_occurrence`. `record` and `record_completion` store the occurrence with its
first prompt time, so that the clock's next tick sends its opening as for any window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from schedules import calendar
from schedules.cycle import DutySpec, Occurrence, Trigger, opened_by, triggered_occurrence
from schedules.occurrences import partner_keys, row_values, settings_of, spec_of
from schedules.prompts import PlanContext, Prompt, counterpart_notice, window_opens
from schedules.protocol.model import PromptSettings
from storage.models import Duty, DutyOccurrence, Partnership
from storage.queries.occurrences import duties_of, occurrence_by_period, period_keys
from storage.upsert import insert_if_absent

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


def record(
    partnership: Partnership, duty: Duty, day: date, note: str, *, session: Session
) -> DutyOccurrence:
    """Someone triggered `duty` on `day`: its occurrence, stored; the day's n-th trigger is n."""
    assert duty.id is not None
    today = [k for k in period_keys(duty.id, session=session) if k.startswith(f"triggered:{day}:")]
    at = Trigger(day, note=note, sequence=len(today) + 1)
    opened = trigger(_spec(partnership, duty), at, settings_of(partnership))
    row = _store(partnership, duty, opened, session)
    return row or record(partnership, duty, day, note, session=session)  # lost a race: next n


def record_completion(
    partnership: Partnership, done: Duty, row: DutyOccurrence, day: date, *, session: Session
) -> list[tuple[Duty, DutyOccurrence]]:
    """An occurrence of `done` was marked done on `day`: what it opens, stored, once each."""
    assert partnership.id is not None
    duties = {d.key: d for d in duties_of(partnership.id, session=session)}
    specs = [_spec(partnership, d) for d in duties.values()]
    opened = on_completion(specs, done.key, str(row.id), day, settings_of(partnership))
    found = []
    for triggered in opened:
        duty = duties[triggered.occurrence.duty.key]
        stored = _store(partnership, duty, triggered, session)
        assert duty.id is not None
        key = triggered.occurrence.period_key
        found.append((duty, stored or occurrence_by_period(duty.id, key, session=session)))
    return [(duty, occ) for duty, occ in found if occ is not None]


def _spec(partnership: Partnership, duty: Duty) -> DutySpec:
    return spec_of(duty, partner_keys(partnership))


def _store(
    partnership: Partnership, duty: Duty, triggered: Triggered, session: Session
) -> DutyOccurrence | None:
    """The occurrence stored with its first prompt time; None when it was there already."""
    assert duty.id is not None
    send_at = calendar.at_local_time(triggered.sends_on, settings_of(partnership).send_clock)
    values = {**row_values(duty.id, triggered.occurrence), "next_prompt_at": send_at}
    made = insert_if_absent(
        DutyOccurrence, [values], unique=["duty_id", "period_key"], session=session
    )
    if not made:
        return None
    return occurrence_by_period(duty.id, triggered.occurrence.period_key, session=session)
