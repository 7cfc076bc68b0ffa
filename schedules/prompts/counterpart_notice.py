"""Counterpart notice: the receiving boards' business managers are asked to make agenda room."""

from __future__ import annotations

from schedules import calendar
from schedules.calendar import long_date
from schedules.cycle import Occurrence
from schedules.prompts.base import PlanContext, Prompt, Recipient, base_fields, boards_text

KIND = "counterpart_notice"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty = occurrence.duty
    if duty.kind != "duty" or not duty.counterparts or duty.schedule.after_meetings:
        return []
    send_on = calendar.on_or_after(occurrence.opens)
    owners = boards_text(duty.owners)
    verb = "is" if len(duty.owners) == 1 else "are"
    return [
        Prompt(
            KIND,
            send_on,
            recipient=Recipient("business_manager", board),
            text=(
                f"{owners} {verb} due to bring “{duty.title}” to {board.upper()} by "
                f"{long_date(occurrence.due)}. Is it on an agenda?"
            ),
            **base_fields(occurrence),
        )
        for board in duty.counterparts
    ]
