"""Everything the evidence pack shows for a partnership's year, read (never written) as the
record stood at an instant: later outcomes, answers and audit entries are left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from schedules.cycle import MeetingRef
from schedules.evidence.agenda import AgendaRow, agenda_rows
from schedules.evidence.audit_trail import AuditLine, audit_lines
from schedules.evidence.duties import DutyRow, duty_rows
from schedules.evidence.escalations import EscalationRow, escalation_rows
from schedules.evidence.minutes import MinuteRow, minute_rows, minutes_limits
from schedules.evidence.timeline import Tick
from schedules.evidence.year import PackYear
from schedules.protocol.summary import stored_agreement
from storage.errors import BoardbotError
from storage.models import Duty, Meeting, Partnership
from storage.queries.agenda import asked_between
from storage.queries.boards import boards_of
from storage.queries.escalations import active_between, ladders_by_id, steps_of
from storage.queries.meetings import of_partnership_between, shares_of_days
from storage.queries.occurrences import duties_of, rows_opening
from storage.queries.partnerships import all_partnerships, partnership_by_key
from storage.queries.people import names_of
from storage.queries.records import rows_by_id


@dataclass(frozen=True)
class BoardInfo:
    key: str
    name: str


@dataclass
class YearRecord:
    partnership: str  # its key
    name: str
    source: str
    year: PackYear
    at: datetime
    boards: list[BoardInfo]
    duties: list[DutyRow]
    meetings: list[Tick]
    minutes: list[MinuteRow]
    agenda: list[AgendaRow]
    escalations: list[EscalationRow]
    audit: list[AuditLine]
    minutes_limits: dict[str, int] = field(default_factory=dict)  # board -> working days
    names: dict[str, str] = field(default_factory=dict)
    agreement: str = ""  # "Agreed 28 October 2014; next review 28 October 2026"

    def name_of(self, user_id: str) -> str:
        """The person's name as stored, else their Slack id."""
        return self.names.get(user_id, user_id)


def find_partnership(key: str, *, session: Session) -> Partnership:
    found = partnership_by_key(key.strip().lower(), session=session)
    if found is None or found.id is None:
        known = ", ".join(p.key for p in all_partnerships(session=session)) or "none loaded yet"
        raise BoardbotError(f"there is no partnership '{key}' (known: {known})")
    return found


@dataclass
class YearDuties:
    """The protocol's duties, the year's meetings, and each occurrence's row at the instant."""

    duties: list[Duty]
    meetings: list[Meeting]
    rows: list[DutyRow]


def year_duties(
    partnership: Partnership,
    year: PackYear,
    at: datetime,
    keys: Mapping[int, str],
    *,
    session: Session,
) -> YearDuties:
    """The year's duty occurrences with their status at `at`, as the pack and the CSV give
    them; `keys`: board id -> key for every board of the partnership."""
    pid = partnership.id
    assert pid is not None
    duties = duties_of(pid, session=session, retired=True)
    meetings = of_partnership_between(pid, year.begins_at, year.ends_at, session=session)
    refs = [
        MeetingRef(str(m.id), keys[m.board_id], m.starts_at) for m in meetings if m.starts_at <= at
    ]
    stored = rows_opening(pid, year.first, year.last, session=session)
    return YearDuties(duties, meetings, duty_rows(partnership, duties, stored, refs, year, at))


def gather(
    partnership: Partnership, year: PackYear, at: datetime, *, session: Session
) -> YearRecord:
    pid = partnership.id
    assert pid is not None
    all_boards = boards_of(pid, session=session, retired=True)
    keys = {b.id: b.key for b in all_boards if b.id is not None}
    boards = [
        BoardInfo(b.key, b.name) for b in all_boards if b.retired_at is None or b.retired_at > at
    ]
    read = year_duties(partnership, year, at, keys, session=session)
    duties, meetings = read.duties, read.meetings
    held = [m for m in meetings if m.starts_at <= at]
    limits = minutes_limits(duties, at)
    cut = min(year.ends_at, at + timedelta(microseconds=1))
    shares = [
        (s, keys[s.board_id])
        for s in shares_of_days(pid, year.first, year.last, session=session)
        if s.logged_at <= at
    ]
    requests = asked_between(pid, year.begins_at, cut, session=session)
    chosen = {r.meeting_id for r in requests if r.meeting_id is not None}
    escalations = active_between(pid, year.begins_at, cut, session=session)
    steps = steps_of([e.id for e in escalations if e.id], session=session)
    result = YearRecord(
        partnership.key,
        partnership.name,
        partnership.source,
        year,
        at,
        boards,
        read.rows,
        [Tick(keys[m.board_id], m.starts_at) for m in meetings],
        minute_rows([(m, keys[m.board_id]) for m in held], shares, limits, at),
        agenda_rows(requests, keys, rows_by_id(Meeting, chosen, session=session), at),
        escalation_rows(escalations, steps, keys, ladders_by_id(pid, session=session), at),
        audit_lines(pid, year.begins_at, cut, session=session),
        limits,
    )
    result.names = names_of(people_in(result), session=session)
    result.agreement = stored_agreement(partnership.protocol)
    return result


def people_in(found: YearRecord) -> set[str]:
    """Every Slack user id the pack names."""
    people = {r.done_by for r in found.duties if r.done_by}
    people |= {r.logged_by for r in found.minutes if r.logged_by}
    people |= {r.requested_by for r in found.agenda} | {
        r.decided_by for r in found.agenda if r.decided_by
    }
    people |= {e.opened_by for e in found.escalations}
    people |= {s.by for e in found.escalations for s in e.steps}
    return people | {line.actor for line in found.audit}
