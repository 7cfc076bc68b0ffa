"""Window opens: the owners' channels and their chairs and business managers hear first."""

from __future__ import annotations

from schedules import calendar
from schedules.calendar import long_date
from schedules.cycle import Occurrence
from schedules.prompts.actions import DONE, SNOOZE
from schedules.prompts.audience import owner_recipients
from schedules.prompts.base import CHANNEL, PlanContext, Prompt, boards_text, note_text, to_each
from storage.roles import Role

KIND = "window_opens"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty, send_on = occurrence.duty, calendar.on_or_after(occurrence.opens)
    recipients = owner_recipients(duty, CHANNEL, Role.CHAIR, Role.BUSINESS_MANAGER)
    if duty.kind == "joint_meeting":
        recipients = owner_recipients(duty)
    return to_each(KIND, send_on, occurrence, recipients, text_of(occurrence), (DONE, SNOOZE))


def text_of(occurrence: Occurrence) -> str:
    duty = occurrence.duty
    note = note_text(occurrence)
    if duty.kind == "joint_meeting":
        return (
            f"“{duty.title}” is due between {long_date(occurrence.opens)} and "
            f"{long_date(occurrence.due)} ({occurrence.label}): {boards_text(duty.owners)}.{note}"
        )
    towards = f" to {boards_text(duty.counterparts)}" if duty.counterparts else ""
    evidence = f" Evidence: {duty.evidence.rstrip('.')}."
    if duty.schedule.triggered:
        days = duty.schedule.triggered.within_working_days
        return (
            f"“{duty.title}” was triggered on {long_date(occurrence.opens)}: "
            f"{boards_text(duty.owners)}{towards} within {days} working days, by "
            f"{long_date(occurrence.due)}.{note}{evidence}"
        )
    return (
        f"The window for “{duty.title}” is open ({occurrence.label}): "
        f"{boards_text(duty.owners)}{towards} by {long_date(occurrence.due)}.{note}{evidence}"
    )
