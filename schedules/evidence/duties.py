"""The year's duty occurrences as the record shows them at an instant: stored rows, and what the
cycle engine says for the year where the clock has not made the rows yet (never stored here)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from schedules import calendar
from schedules.cycle import MeetingRef, Occurrence, occurrences
from schedules.evidence.year import PackYear
from schedules.occurrences import settings_of, spec_of
from storage.models import Duty, Partnership
from storage.status import OccurrenceStatus, Standing, standing

# The status of an occurrence at an instant: its standing (storage/status.py) on that day.
STATUSES = tuple(Standing)
# How each status reads to a person, in the pack and the tracker canvas alike.
STATUS_WORDS: dict[str, str] = {
    Standing.DONE: "done on time",
    Standing.DONE_LATE: "done late",
    Standing.WAIVED: "waived",
    Standing.OVERDUE: "overdue",
    Standing.OPEN: "open",
    Standing.UPCOMING: "not open yet",
    Standing.BEFORE_BOARDBOT: "before boardbot",
}


@dataclass(frozen=True)
class DutyInfo:
    """A duty or joint meeting as the pack names it."""

    id: int
    key: str
    kind: str
    title: str
    clause: str
    evidence: str
    owners: tuple[str, ...]
    counterparts: tuple[str, ...]
    retired_at: datetime | None

    @classmethod
    def of(cls, duty: Duty) -> DutyInfo:
        assert duty.id is not None
        return cls(
            duty.id,
            duty.key,
            duty.kind,
            duty.title,
            duty.clause,
            duty.evidence,
            tuple(duty.owners),
            tuple(duty.counterparts),
            duty.retired_at,
        )

    def active_at(self, at: datetime) -> bool:
        return self.retired_at is None or self.retired_at > at


class StoredOccurrence(Protocol):
    """What the pack reads of a stored occurrence (a DutyOccurrence or a row of its columns)."""

    id: int | None
    duty_id: int
    period_key: str
    label: str
    opens: date
    closes: date
    due: date
    meeting_id: int | None
    status: OccurrenceStatus
    evidence_link: str | None
    note: str | None
    completed_by: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One occurrence of a duty in the year: its window, and its outcome at the instant."""

    duty: DutyInfo
    occurrence_id: int | None  # None: the engine's, not yet made by the clock
    period_key: str
    label: str
    opens: date
    closes: date
    due: date
    status: Standing
    done_on: date | None = None
    done_by: str | None = None
    evidence: str | None = None
    note: str | None = None
    waived_reason: str | None = None


def status_at(
    opens: date,
    due: date,
    outcome: OccurrenceStatus | None,
    outcome_on: date | None,
    at: datetime,
    started: date | None = None,
) -> Standing:
    """An occurrence's status at `at`; `outcome` is done or waived when recorded by then;
    `started`: the day the partnership started using boardbot."""
    recorded = outcome or OccurrenceStatus.PENDING
    return standing(recorded, opens, due, calendar.london_date(at), outcome_on, started=started)


def stored_row(
    info: DutyInfo, row: StoredOccurrence, at: datetime, started: date | None = None
) -> DutyRow:
    """A stored occurrence; an outcome recorded after the instant is not yet part of it."""
    recorded = row.status.recorded and row.completed_at is not None and row.completed_at <= at
    if not recorded or row.completed_at is None:
        status = status_at(row.opens, row.due, None, None, at, started)
        return DutyRow(
            info, row.id, row.period_key, row.label, row.opens, row.closes, row.due, status
        )
    on = calendar.london_date(row.completed_at)
    waived = row.status == OccurrenceStatus.WAIVED
    return DutyRow(
        info,
        row.id,
        row.period_key,
        row.label,
        row.opens,
        row.closes,
        row.due,
        status_at(row.opens, row.due, row.status, on, at),
        done_on=on,
        done_by=row.completed_by,
        evidence=row.evidence_link,
        # A waiver's reason is kept in the occurrence's note.
        note=None if waived else row.note,
        waived_reason=row.note if waived else None,
    )


def duty_rows(
    partnership: Partnership,
    duties: Sequence[Duty],
    stored: Sequence[StoredOccurrence],
    meetings: Sequence[MeetingRef],
    year: PackYear,
    at: datetime,
) -> list[DutyRow]:
    """Every occurrence opening within the year, stored rows first, merged with the engine's by
    (duty, period). `meetings`: the year's meetings held by `at`, for after-meeting duties."""
    infos = {info.id: info for info in map(DutyInfo.of, duties)}
    held = {ref.key for ref in meetings}
    rows: dict[tuple[int, str], DutyRow] = {}
    for row in stored:
        info = infos[row.duty_id]
        if not year.holds(row.opens) or not _kept(info, row, at):
            continue
        if row.meeting_id is not None and str(row.meeting_id) not in held:
            continue  # owed after a meeting not held by the instant
        rows[(info.id, row.period_key)] = stored_row(info, row, at, partnership.started_on)
    for duty_id, found in engine_occurrences(partnership, duties, meetings, year, at):
        info = infos[duty_id]
        for occ in found:
            if year.holds(occ.opens) and (info.id, occ.period_key) not in rows:
                status = status_at(occ.opens, occ.due, None, None, at, partnership.started_on)
                rows[(info.id, occ.period_key)] = DutyRow(
                    info, None, occ.period_key, occ.label, occ.opens, occ.closes, occ.due, status
                )
    order = {duty_id: index for index, duty_id in enumerate(infos)}
    return sorted(rows.values(), key=lambda r: (order[r.duty.id], r.opens, r.period_key))


def engine_occurrences(
    partnership: Partnership,
    duties: Sequence[Duty],
    meetings: Sequence[MeetingRef],
    year: PackYear,
    at: datetime,
) -> Iterator[tuple[int, list[Occurrence]]]:
    """(duty id, the cycle engine's occurrences in the year) for each duty in force at `at`.

    A calendar schedule's dates depend on the schedule alone, so duties sharing one share a
    single computation (only the dates and labels are used, not the occurrence's duty)."""
    settings = settings_of(partnership)
    made: dict[str, list[Occurrence]] = {}
    for duty in duties:
        if duty.id is None or (duty.retired_at is not None and duty.retired_at <= at):
            continue
        shared = (
            "" if duty.schedule.get("after_meetings") else json.dumps(duty.schedule, sort_keys=True)
        )
        if shared not in made or not shared:
            made[shared] = occurrences(
                spec_of(duty),
                [year.start],
                start_month=partnership.year_start_month,
                close_on_working_day=settings.close_on_working_day,
                meetings=meetings,
            )
        yield duty.id, made[shared]


def _kept(info: DutyInfo, row: StoredOccurrence, at: datetime) -> bool:
    """A retired duty keeps the occurrences it had while it was in the protocol."""
    if info.active_at(at) or info.retired_at is None:
        return True
    return row.status.recorded or row.opens <= calendar.london_date(info.retired_at)
