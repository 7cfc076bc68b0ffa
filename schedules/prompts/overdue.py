"""Overdue: the first working day after the close, then weekly until done or waived."""

from __future__ import annotations

from datetime import timedelta

from schedules import calendar
from schedules.calendar import long_date
from schedules.cycle import Occurrence
from schedules.prompts.actions import DONE, WAIVE
from schedules.prompts.audience import owner_recipients
from schedules.prompts.base import CHANNEL, PlanContext, Prompt, to_each
from storage.roles import Role

KIND = "overdue"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty = occurrence.duty
    sends, day = [], calendar.add_working_days(occurrence.due, 1)
    while day <= ctx.horizon:
        sends.append(day)
        if ctx.overdue_repeats is not None and len(sends) > ctx.overdue_repeats:
            break
        day = calendar.on_or_after(day + timedelta(days=ctx.settings.overdue_repeat_days))
    prompts = []
    for number, send_on in enumerate(sends):
        text = (
            f"Overdue: “{duty.title}” was due by {long_date(occurrence.due)} "
            f"({occurrence.label}) and is not marked done. Mark it done with its evidence, "
            "or waive it with a reason."
        )
        told = owner_recipients(duty, CHANNEL, Role.CHAIR)
        prompts += to_each(KIND, send_on, occurrence, told, text, (DONE, WAIVE), {"repeat": number})
    return prompts
