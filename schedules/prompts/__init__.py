"""Prompt kinds: one module each, registered here in the order a reader meets them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from schedules.cycle import Occurrence
from schedules.prompts import (
    agenda_nudge,
    agenda_pack,
    counterpart_notice,
    digest,
    escalation_nudge,
    meeting_changed,
    minutes_nudge,
    overdue,
    reminder,
    window_opens,
)
from schedules.prompts.base import PlanContext, Prompt, Recipient
from storage.models import Partnership

Planner = Callable[[Occurrence, PlanContext], list[Prompt]]
StoragePlanner = Callable[..., list[Prompt]]

# Kinds planned from a duty occurrence: the same code serves `simulate` and the clock.
OCCURRENCE_KINDS: dict[str, Planner] = {
    window_opens.KIND: window_opens.plan,
    counterpart_notice.KIND: counterpart_notice.plan,
    reminder.KIND: reminder.plan,
    overdue.KIND: overdue.plan,
    minutes_nudge.KIND: minutes_nudge.plan,
}
# The kinds that speak of a duty owed after each meeting (its window, the days after one
# meeting); the others speak of every other duty (a window, a period, a trigger).
AFTER_MEETING_KINDS = frozenset({minutes_nudge.KIND})

# Kinds planned from what is stored: meetings, agenda requests, escalations, the digest.
STORAGE_KINDS: dict[str, StoragePlanner] = {
    agenda_pack.KIND: agenda_pack.plan_from_storage,
    agenda_nudge.KIND: agenda_nudge.plan_from_storage,
    escalation_nudge.KIND: escalation_nudge.plan_from_storage,
    meeting_changed.KIND: meeting_changed.plan_from_storage,
    digest.KIND: digest.plan_from_storage,
}


def plan_occurrence(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    """Every prompt an occurrence would send, if nothing is marked done, up to ctx.horizon."""
    after_meeting = occurrence.duty.schedule.after_meetings is not None
    planners = [
        planner
        for kind, planner in OCCURRENCE_KINDS.items()
        if (kind in AFTER_MEETING_KINDS) == after_meeting
    ]
    prompts = [p for planner in planners for p in planner(occurrence, ctx)]
    return [p for p in prompts if p.send_on <= ctx.horizon]


def plan_from_storage(partnership: Partnership, now: datetime, *, session: Session) -> list[Prompt]:
    return [
        p for planner in STORAGE_KINDS.values() for p in planner(partnership, now, session=session)
    ]


__all__ = [
    "OCCURRENCE_KINDS",
    "STORAGE_KINDS",
    "PlanContext",
    "Prompt",
    "Recipient",
    "plan_from_storage",
    "plan_occurrence",
]
