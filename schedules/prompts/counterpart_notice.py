"""Counterpart notice: the receiving boards' business managers are asked to make agenda room.

A counterpart that is a partner (Cabinet, the Leader) hears through its people instead."""

from __future__ import annotations

from schedules import calendar
from schedules.calendar import long_date
from schedules.cycle import Occurrence
from schedules.prompts.audience import counterpart_recipients
from schedules.prompts.base import PlanContext, Prompt, base_fields, boards_text, note_text

KIND = "counterpart_notice"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty = occurrence.duty
    if duty.kind != "duty" or not duty.counterparts:
        return []
    send_on = calendar.on_or_after(occurrence.opens)
    owners = boards_text(duty.owners)
    verb = "is" if len(duty.owners) == 1 else "are"
    prompts = []
    for recipient in counterpart_recipients(duty):
        receiver = (recipient.board or "").upper()
        ask = "" if recipient.is_partner else " Is it on an agenda?"
        text = (
            f"{owners} {verb} due to bring “{duty.title}” to {receiver} by "
            f"{long_date(occurrence.due)}.{note_text(occurrence)}{ask}"
        )
        prompts.append(
            Prompt(KIND, send_on, recipient=recipient, text=text, **base_fields(occurrence))
        )
    return prompts
