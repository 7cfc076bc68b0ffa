"""Reminders a set number of working days before a window closes (10 and 3 by default)."""

from __future__ import annotations

from datetime import date

from schedules import calendar
from schedules.calendar import long_date
from schedules.cycle import DutySpec, Occurrence
from schedules.prompts.actions import DONE, SNOOZE
from schedules.prompts.audience import owner_recipients
from schedules.prompts.base import CHANNEL, PlanContext, Prompt, Recipient, to_each
from storage.roles import Role

KIND = "reminder"


def plan(occurrence: Occurrence, ctx: PlanContext) -> list[Prompt]:
    duty = occurrence.duty
    opened = calendar.on_or_after(occurrence.opens)
    prompts = []
    for days in sorted(set(ctx.settings.reminders_working_days), reverse=True):
        send_on = calendar.add_working_days(occurrence.due, -days)
        if send_on <= opened:
            continue  # a short window: the opening prompt already says it
        text = (
            f"Reminder: “{duty.title}” is due by {long_date(occurrence.due)}, "
            f"{days} working day{'s' if days != 1 else ''} from now ({occurrence.label}). "
            "Mark it done when the evidence is in."
        )
        left = {"working_days_left": days}
        prompts += to_each(KIND, send_on, occurrence, told(duty), text, (DONE, SNOOZE), left)
    return prompts


def after_snooze(occurrence: Occurrence, until: date) -> list[Prompt]:
    """The reminder a Snooze promised: on the day it ends, if the window is still open."""
    duty = occurrence.duty
    if duty.schedule.after_meetings or until > occurrence.due:
        return []  # past the close, the overdue notices take over
    days = calendar.working_days_between(until, occurrence.due)
    text = (
        f"Reminder after snoozing: “{duty.title}” is due by {long_date(occurrence.due)}, "
        f"{days} working day{'s' if days != 1 else ''} from now ({occurrence.label})."
    )
    extra = {"working_days_left": days, "after_snooze": True}
    return to_each(KIND, until, occurrence, told(duty), text, (DONE, SNOOZE), extra)


def told(duty: DutySpec) -> list[Recipient]:
    """A reminder goes to the owners' channels and business managers."""
    return owner_recipients(duty, CHANNEL, Role.BUSINESS_MANAGER)
