"""Minutes nudge: N working days after a meeting whose minutes are not yet shared."""

from __future__ import annotations

from schedules.calendar import long_date
from schedules.cycle import Occurrence
from schedules.prompts.audience import owner_recipients
from schedules.prompts.base import PlanContext, Prompt, boards_text, to_each
from storage.roles import WRITERS

KIND = "minutes_nudge"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty = occurrence.duty
    if occurrence.due > ctx.horizon:
        return []
    text = (
        f"The minutes of the {occurrence.label} are not logged as shared with "
        f"{boards_text(duty.counterparts) or 'the partner boards'} yet (due by "
        f"{long_date(occurrence.due)}). Log them with `/minutes {duty.owners[0]} "
        f"{occurrence.opens.isoformat()} LINK`."
    )
    return to_each(KIND, occurrence.due, occurrence, owner_recipients(duty, *WRITERS), text)
