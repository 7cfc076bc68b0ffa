"""The summary per board (and for all boards together) that opens the evidence pack."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from schedules.evidence.agenda import AGENDA_OUTCOMES, AgendaRow
from schedules.evidence.duties import STATUSES, DutyRow
from schedules.evidence.escalations import EscalationRow, median_days_per_stage
from schedules.evidence.gather import YearRecord
from schedules.evidence.minutes import MINUTE_STATUSES, MinuteRow

ALL = "all"


@dataclass(frozen=True)
class BoardSummary:
    board: str  # a board key, or `all`
    name: str
    duties: Counter[str]  # by status (STATUSES)
    minutes: Counter[str]  # by MINUTE_STATUSES
    minutes_limit: bool  # whether the protocol sets a time limit for this board's minutes
    agenda_made: Counter[str]  # requests the board made, by outcome
    agenda_received: Counter[str]  # requests made to the board, by outcome
    escalations_opened: int  # in the year, with the board as either party
    escalations_resolved: int  # in the year
    deadlines_missed: int  # stage deadlines falling in the year that were missed
    median_days: dict[int, float] = field(default_factory=dict)  # per stage number

    @property
    def duties_due(self) -> int:
        return sum(self.duties.values())


def summaries(found: YearRecord) -> list[BoardSummary]:
    per_board = [
        summary_of(found, board.key, board.name, owned_by(board.key)) for board in found.boards
    ]
    return [*per_board, summary_of(found, ALL, "All boards", lambda keys: True)]


def owned_by(board: str) -> Callable[[Sequence[str]], bool]:
    return lambda keys: board in keys


def summary_of(
    found: YearRecord, key: str, name: str, involves: Callable[[Sequence[str]], bool]
) -> BoardSummary:
    duties: list[DutyRow] = [r for r in found.duties if involves(r.duty.owners)]
    minutes: list[MinuteRow] = [r for r in found.minutes if involves((r.board,))]
    made: list[AgendaRow] = [r for r in found.agenda if involves((r.from_board,))]
    received: list[AgendaRow] = [r for r in found.agenda if involves((r.to_board,))]
    escalations: list[EscalationRow] = [
        e for e in found.escalations if involves((e.from_board, e.to_board))
    ]
    year = found.year
    return BoardSummary(
        key,
        name,
        _count(STATUSES, (r.status for r in duties)),
        _count(MINUTE_STATUSES, (r.status for r in minutes)),
        any(involves((board,)) for board in found.minutes_limits),
        _count(AGENDA_OUTCOMES, (r.status for r in made)),
        _count(AGENDA_OUTCOMES, (r.status for r in received)),
        sum(year.begins_at <= e.opened_at < year.ends_at for e in escalations),
        sum(e.resolved_at is not None and e.resolved_at < year.ends_at for e in escalations),
        sum(
            bool(s.missed) and s.deadline is not None and year.holds(s.deadline)
            for e in escalations
            for s in e.steps
        ),
        median_days_per_stage(escalations),
    )


def _count(names: Sequence[str], values: Iterable[str]) -> Counter[str]:
    """Every name counted, zeros included (Counter's + would drop them)."""
    counted = Counter({name: 0 for name in names})
    counted.update(values)
    return counted
