"""Prompt kinds: one module each, registered here in the order a reader meets them."""

from __future__ import annotations

from collections.abc import Callable

from schedules.cycle import Occurrence
from schedules.prompts import counterpart_notice, minutes_nudge, overdue, reminder, window_opens
from schedules.prompts.base import PlanContext, Prompt, Recipient

Planner = Callable[[Occurrence, PlanContext], list[Prompt]]

# Kinds planned from a duty occurrence: the same code serves `simulate` and the clock.
OCCURRENCE_KINDS: dict[str, Planner] = {
    window_opens.KIND: window_opens.plan,
    counterpart_notice.KIND: counterpart_notice.plan,
    reminder.KIND: reminder.plan,
    overdue.KIND: overdue.plan,
    minutes_nudge.KIND: minutes_nudge.plan,
}


def plan_occurrence(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    """Every prompt an occurrence would send, if nothing is marked done, up to ctx.horizon."""
    prompts = [p for planner in OCCURRENCE_KINDS.values() for p in planner(occurrence, ctx)]
    return [p for p in prompts if p.send_on <= ctx.horizon]


__all__ = [
    "OCCURRENCE_KINDS",
    "PlanContext",
    "Prompt",
    "Recipient",
    "plan_occurrence",
]
