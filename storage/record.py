"""Read-only queries over the governance record: the audit trail and a partnership's year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, or_, select

from storage.models import (
    AgendaRequest,
    AuditEntry,
    Board,
    Duty,
    DutyOccurrence,
    Escalation,
    EscalationStep,
    Ladder,
    Meeting,
    MinuteShare,
    Person,
)
from storage.status import MeetingStatus

CHUNK = 500  # ids per IN (...) list, well inside every database's limit on bound parameters
Row = TypeVar("Row", bound=SQLModel)


def audit_between(
    partnership_id: int, start: datetime | None, end: datetime | None, *, session: Session
) -> list[AuditEntry]:
    """A partnership's audit entries with start <= at < end (either end open), oldest first."""
    query = select(AuditEntry).where(AuditEntry.partnership_id == partnership_id)
    if start is not None:
        query = query.where(col(AuditEntry.at) >= start)
    if end is not None:
        query = query.where(col(AuditEntry.at) < end)
    return list(session.exec(query.order_by(col(AuditEntry.at), col(AuditEntry.id))))


def people_names(user_ids: Iterable[str], *, session: Session) -> dict[str, str]:
    """Slack user id -> the name stored for that person, for those whose name is known."""
    wanted = sorted(set(user_ids))
    found: dict[str, str] = {}
    for part in _chunks(wanted):
        query = select(Person).where(col(Person.slack_user_id).in_(part), Person.name != "")
        found.update({p.slack_user_id: p.name for p in session.exec(query)})
    return found


def all_boards(partnership_id: int, *, session: Session) -> list[Board]:
    """Every board the partnership has had, retired ones too, in protocol order."""
    query = select(Board).where(Board.partnership_id == partnership_id).order_by(col(Board.id))
    return list(session.exec(query))


def all_duties(partnership_id: int, *, session: Session) -> list[Duty]:
    """Every duty and joint meeting, retired ones too (their history stays), in protocol order."""
    query = select(Duty).where(Duty.partnership_id == partnership_id).order_by(col(Duty.id))
    return list(session.exec(query))


def occurrences_opening(
    partnership_id: int, first: date, last: date, *, session: Session
) -> list[Any]:
    """Stored occurrences of the partnership's duties whose window opens within [first, last].

    Plain rows with the columns of DutyOccurrence as attributes, not ORM objects: a year of a
    large partnership has tens of thousands, and they are only read."""
    columns: Any = DutyOccurrence.__table__.columns  # type: ignore[attr-defined]
    query = (
        select(*columns)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(
            Duty.partnership_id == partnership_id,
            col(DutyOccurrence.opens) >= first,
            col(DutyOccurrence.opens) <= last,
        )
        .order_by(col(DutyOccurrence.duty_id), col(DutyOccurrence.opens), col(DutyOccurrence.id))
    )
    return list(session.exec(query))


def meetings_between(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[Meeting]:
    """Scheduled (not cancelled) meetings of the partnership's boards with start <= starts < end."""
    query = (
        select(Meeting)
        .join(Board, col(Board.id) == col(Meeting.board_id))
        .where(
            Board.partnership_id == partnership_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    return list(session.exec(query))


def minute_shares_of_days(
    partnership_id: int, first: date, last: date, *, session: Session
) -> list[MinuteShare]:
    """Minutes shares for meetings held on days within [first, last]."""
    query = (
        select(MinuteShare)
        .join(Board, col(Board.id) == col(MinuteShare.board_id))
        .where(
            Board.partnership_id == partnership_id,
            col(MinuteShare.meeting_on) >= first,
            col(MinuteShare.meeting_on) <= last,
        )
        .order_by(col(MinuteShare.meeting_on), col(MinuteShare.id))
    )
    return list(session.exec(query))


def agenda_requests_between(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[AgendaRequest]:
    query = (
        select(AgendaRequest)
        .where(
            AgendaRequest.partnership_id == partnership_id,
            col(AgendaRequest.requested_at) >= start,
            col(AgendaRequest.requested_at) < end,
        )
        .order_by(col(AgendaRequest.requested_at), col(AgendaRequest.id))
    )
    return list(session.exec(query))


def escalations_active(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[Escalation]:
    """Escalations open at some moment in [start, end): opened before its end, not resolved
    before its start."""
    query = (
        select(Escalation)
        .where(
            Escalation.partnership_id == partnership_id,
            col(Escalation.opened_at) < end,
            or_(col(Escalation.resolved_at).is_(None), col(Escalation.resolved_at) >= start),
        )
        .order_by(col(Escalation.opened_at), col(Escalation.id))
    )
    return list(session.exec(query))


def escalation_steps(escalation_ids: Sequence[int], *, session: Session) -> list[EscalationStep]:
    """The stage history of these escalations, in the order it happened."""
    found: list[EscalationStep] = []
    for part in _chunks(escalation_ids):
        query = select(EscalationStep).where(col(EscalationStep.escalation_id).in_(part))
        found += session.exec(query)
    return sorted(found, key=lambda step: (step.at, step.id or 0))


def ladders(partnership_id: int, *, session: Session) -> dict[int, Ladder]:
    query = select(Ladder).where(Ladder.partnership_id == partnership_id)
    return {ladder.id: ladder for ladder in session.exec(query) if ladder.id is not None}


def rows_by_id(model: type[Row], ids: Iterable[int], *, session: Session) -> dict[int, Row]:
    """The rows of `model` with these ids (missing ones are simply absent)."""
    key: Any = model.id  # type: ignore[attr-defined]
    found: dict[int, Row] = {}
    for part in _chunks(sorted(set(ids))):
        found.update({row.id: row for row in session.exec(select(model).where(key.in_(part)))})  # type: ignore[attr-defined]
    return found


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for index in range(0, len(values), CHUNK):
        yield values[index : index + CHUNK]
