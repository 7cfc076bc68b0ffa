"""The year ahead without Slack: the same planning code the clock uses, over a date range."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from schedules.calendar import financial_year
from schedules.cycle import MeetingRef, duty_specs, occurrences
from schedules.prompts import OCCURRENCE_KINDS, PlanContext, Prompt, plan_occurrence
from schedules.protocol.model import Protocol

KIND_ORDER = {kind: index for index, kind in enumerate(OCCURRENCE_KINDS)}


def plan_context(protocol: Protocol, horizon: date, overdue_repeats: int | None) -> PlanContext:
    return PlanContext(
        settings=protocol.prompts,
        horizon=horizon,
        overdue_repeats=overdue_repeats,
    )


def simulate(
    protocol: Protocol,
    start: date,
    end: date,
    *,
    overdue_repeats: int | None = 0,
    meetings: Sequence[MeetingRef] = (),
) -> list[Prompt]:
    """Prompts sent from `start` to `end` inclusive if nothing were marked done.

    Overdue notices repeat weekly until a duty is done; `overdue_repeats` caps how many
    repeats are shown (0: only the first notice; None: every one up to `end`).
    """
    start_month = protocol.partnership.year_start_month
    # The year before `start` too: its windows may still be closing (Oct–Feb, Mar–May).
    years = range(financial_year(start, start_month) - 1, financial_year(end, start_month) + 1)
    ctx = plan_context(protocol, end, overdue_repeats)
    prompts = []
    for spec in duty_specs(protocol):
        for occurrence in occurrences(
            spec,
            years,
            start_month=start_month,
            close_on_working_day=protocol.prompts.close_on_working_day,
            meetings=meetings,
        ):
            prompts += [p for p in plan_occurrence(occurrence, ctx) if p.send_on >= start]
    return sorted(prompts, key=prompt_order)


def prompt_order(prompt: Prompt) -> tuple[date, int, str, str]:
    return (
        prompt.send_on,
        KIND_ORDER.get(prompt.kind, 99),
        prompt.duty or "",
        prompt.recipient.label,
    )
