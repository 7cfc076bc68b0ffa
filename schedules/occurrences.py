"""Duty occurrences in the database: made from the cycle engine, read by commands and the clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from schedules import calendar
from schedules.cycle import DutySpec, MeetingRef, Occurrence, occurrences
from schedules.protocol.model import PromptSettings, Schedule
from storage.models import Duty, DutyOccurrence, Meeting, Partnership
from storage.queries.boards import keys_by_id
from storage.queries.meetings import of_partnership_within
from storage.queries.occurrences import duties_of, owed, period_keys
from storage.status import OccurrenceStatus, Standing, standing
from storage.upsert import insert_if_absent

MEETING_LOOKBACK = timedelta(days=120)


def spec_of(duty: Duty, partners: Sequence[str] = ()) -> DutySpec:
    """The engine's view of a stored duty; `partners` are the partnership's partner keys."""
    named = [key for key in (*duty.owners, *duty.counterparts) if key in partners]
    return DutySpec(
        duty.key,
        duty.kind,
        duty.title,
        tuple(duty.owners),
        tuple(duty.counterparts),
        duty.evidence,
        duty.clause,
        Schedule.model_validate(duty.schedule),
        tuple(duty.attendee_roles),
        partners=tuple(dict.fromkeys(named)),
    )


def partner_keys(partnership: Partnership) -> tuple[str, ...]:
    """The keys of the partnership's partners that are not boards (Cabinet, the Leader)."""
    return tuple(str(p["key"]) for p in partnership.protocol.get("partners", []))


def settings_of(partnership: Partnership) -> PromptSettings:
    return PromptSettings.model_validate(partnership.protocol.get("prompts", {}))


def recent_meetings(partnership_id: int, now: datetime, *, session: Session) -> list[MeetingRef]:
    """The meetings held in the last MEETING_LOOKBACK, that after-meeting duties follow."""
    held = of_partnership_within(partnership_id, now - MEETING_LOOKBACK, now, session=session)
    keys = keys_by_id(partnership_id, session=session)
    return [MeetingRef(str(m.id), keys[m.board_id], m.starts_at) for m in held]


def materialise(partnership: Partnership, now: datetime, *, session: Session) -> int:
    """Create the missing occurrence rows for last, this and next financial year, and those
    owed after the meetings held lately; idempotent. Returns how many rows were made.

    Occurrences are made here only: by the clock (daily, so the year rolls over), when a
    protocol is loaded, and (`make_after_meeting`) when a meeting's minutes are logged; never
    by a read. Insert-if-absent, so two clocks materialising at once cannot trip over each other.
    """
    assert partnership.id is not None
    fy = calendar.financial_year(calendar.london_date(now), partnership.year_start_month)
    meetings = recent_meetings(partnership.id, now, session=session)
    return _make(partnership, range(fy - 1, fy + 2), meetings, session=session)


def make_after_meeting(
    partnership: Partnership, meeting: Meeting, now: datetime, *, session: Session
) -> int:
    """The occurrences owed after one meeting held lately, made if absent: its minutes may be
    logged before the clock's daily round has made them."""
    assert partnership.id is not None
    held = recent_meetings(partnership.id, now, session=session)
    mine = [ref for ref in held if ref.key == str(meeting.id)]
    return _make(partnership, (), mine, session=session) if mine else 0


def _make(
    partnership: Partnership,
    years: Sequence[int],
    meetings: Sequence[MeetingRef],
    *,
    session: Session,
) -> int:
    assert partnership.id is not None
    settings = settings_of(partnership)
    rows = []
    for duty in duties_of(partnership.id, session=session):
        assert duty.id is not None
        have = period_keys(duty.id, session=session)
        found = occurrences(
            spec_of(duty),
            years,
            start_month=partnership.year_start_month,
            close_on_working_day=settings.close_on_working_day,
            meetings=meetings,
        )
        rows += [row_values(duty.id, occ) for occ in found if occ.period_key not in have]
    made = insert_if_absent(DutyOccurrence, rows, unique=["duty_id", "period_key"], session=session)
    session.flush()
    return made


def row_values(duty_id: int, occ: Occurrence) -> dict[str, Any]:
    return {
        "trigger_note": occ.note or None,
        "duty_id": duty_id,
        "period_key": occ.period_key,
        "label": occ.label,
        "opens": occ.opens,
        "closes": occ.closes,
        "due": occ.due,
        "meeting_id": int(occ.meeting.key) if occ.meeting else None,
        "status": OccurrenceStatus.PENDING,
    }


def occurrence_of(row: DutyOccurrence, duty: Duty, partners: Sequence[str] = ()) -> Occurrence:
    """The engine's view of a stored occurrence, so the same prompt code can plan it."""
    spec = spec_of(duty, partners)
    note = row.trigger_note or ""
    return Occurrence(spec, row.period_key, row.label, row.opens, row.closes, row.due, note=note)


def display_status(row: DutyOccurrence, today: date) -> Standing:
    return standing(row.status, row.opens, row.due, today)


@dataclass(frozen=True)
class OwedDuty:
    occurrence: DutyOccurrence
    duty: Duty
    status: Standing
    working_days_left: int


def owed_by(
    partnership_id: int,
    board_key: str | None,
    today: date,
    *,
    session: Session,
    ahead_days: int = 31,
) -> list[OwedDuty]:
    """Open, overdue and soon-opening occurrences, for one board (or all), closest first."""
    result = []
    for row, duty in owed(partnership_id, today + timedelta(days=ahead_days), session=session):
        if board_key and board_key not in duty.owners:
            continue
        left = calendar.working_days_between(today, row.due)
        result.append(OwedDuty(row, duty, display_status(row, today), left))
    return result
