"""The summary per board (and for all boards together) that opens the evidence pack."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
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


@dataclass
class Share:
    """What of the year's record concerns one board (or all of them)."""

    duties: list[DutyRow] = field(default_factory=list)
    minutes: list[MinuteRow] = field(default_factory=list)
    made: list[AgendaRow] = field(default_factory=list)
    received: list[AgendaRow] = field(default_factory=list)
    escalations: list[EscalationRow] = field(default_factory=list)
    minutes_limit: bool = False


def shares(found: YearRecord) -> dict[str, Share]:
    """One pass over the record: each row goes to the share of every board it concerns."""
    by_board: dict[str, Share] = defaultdict(Share)
    for row in found.duties:
        for key in row.duty.owners:
            by_board[key].duties.append(row)
    for minute in found.minutes:
        by_board[minute.board].minutes.append(minute)
    for request in found.agenda:
        by_board[request.from_board].made.append(request)
        by_board[request.to_board].received.append(request)
    for escalation in found.escalations:
        for key in {escalation.from_board, escalation.to_board}:
            by_board[key].escalations.append(escalation)
    for key in found.minutes_limits:
        by_board[key].minutes_limit = True
    return by_board


def summaries(found: YearRecord) -> list[BoardSummary]:
    by_board = shares(found)
    everything = Share(
        found.duties,
        found.minutes,
        found.agenda,
        found.agenda,
        found.escalations,
        bool(found.minutes_limits),
    )
    return [
        *(summary_of(found, b.key, b.name, by_board.get(b.key, Share())) for b in found.boards),
        summary_of(found, ALL, "All boards", everything),
    ]


def summary_of(found: YearRecord, key: str, name: str, share: Share) -> BoardSummary:
    year, escalations = found.year, share.escalations
    return BoardSummary(
        key,
        name,
        _count(STATUSES, (r.status for r in share.duties)),
        _count(MINUTE_STATUSES, (r.status for r in share.minutes)),
        share.minutes_limit,
        _count(AGENDA_OUTCOMES, (r.status for r in share.made)),
        _count(AGENDA_OUTCOMES, (r.status for r in share.received)),
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
