"""Escalations open at some time in the year, with their stage history up to the instant.

Each opened or advanced step starts a stage with a deadline; the next step (advanced or
resolved) ends it. A stage's working days run from the London day it started to the day it
ended; its deadline is missed when it ended after the deadline, or is still waiting past it."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from schedules import calendar
from storage.models import Escalation, EscalationStep, Ladder
from storage.status import STARTS_A_STAGE, EscalationStatus


@dataclass(frozen=True)
class StepRow:
    stage: int
    stage_name: str
    action: str  # opened | advanced | resolved
    at: datetime
    by: str
    note: str | None
    deadline: date | None  # of the stage this step starts
    working_days: int | None = None  # how long the stage it starts took; None while waiting
    missed: bool | None = None  # whether that stage's deadline was missed


@dataclass(frozen=True)
class EscalationRow:
    id: int
    from_board: str
    to_board: str
    text: str
    ladder: str
    stages: int
    opened_at: datetime
    opened_by: str
    status: EscalationStatus  # at the instant
    stage: int
    resolved_at: datetime | None = None
    outcome: str | None = None
    steps: tuple[StepRow, ...] = field(default=())

    @property
    def deadlines_missed(self) -> int:
        return sum(bool(step.missed) for step in self.steps)


def escalation_rows(
    escalations: Sequence[Escalation],
    steps: Sequence[EscalationStep],
    keys: Mapping[int, str],
    ladders: Mapping[int, Ladder],
    at: datetime,
) -> list[EscalationRow]:
    history: dict[int, list[EscalationStep]] = defaultdict(list)
    for step in steps:
        if step.at <= at:
            history[step.escalation_id].append(step)
    rows = []
    for row in escalations:
        if row.opened_at > at or row.id is None:
            continue
        spells = stage_spells(history[row.id], calendar.london_date(at))
        resolved = row.resolved_at is not None and row.resolved_at <= at
        ladder = ladders.get(row.ladder_id)
        current = max((s.stage for s in spells), default=1)
        rows.append(
            EscalationRow(
                row.id,
                keys[row.from_board_id],
                keys[row.to_board_id],
                row.text,
                ladder.name if ladder else "",
                len(ladder.stages) if ladder else current,
                row.opened_at,
                row.opened_by,
                EscalationStatus.RESOLVED if resolved else EscalationStatus.OPEN,
                current,
                row.resolved_at if resolved else None,
                row.outcome if resolved else None,
                tuple(spells),
            )
        )
    return rows


def stage_spells(steps: Sequence[EscalationStep], today: date) -> list[StepRow]:
    """The steps in order, each stage-starting step with how long its stage took."""
    rows = []
    for index, step in enumerate(steps):
        row = StepRow(
            step.stage, step.stage_name, step.action, step.at, step.by, step.note, step.deadline
        )
        if step.action in STARTS_A_STAGE:
            begun = calendar.london_date(step.at)
            after = steps[index + 1] if index + 1 < len(steps) else None
            ended = calendar.london_date(after.at) if after else None
            days = calendar.working_days_between(begun, ended) if ended else None
            missed = None
            if step.deadline is not None:
                missed = (ended or today) > step.deadline
            row = replace(row, working_days=days, missed=missed)
        rows.append(row)
    return rows


def median_days_per_stage(rows: Iterable[EscalationRow]) -> dict[int, float]:
    """Stage number -> the median working days its finished stages took."""
    taken: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        for step in row.steps:
            if step.working_days is not None:
                taken[step.stage].append(step.working_days)
    return {stage: statistics.median(days) for stage, days in sorted(taken.items())}
