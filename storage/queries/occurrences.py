"""Duties (and joint meetings) as loaded, and their dated occurrences.

A duty removed from its protocol retires and keeps its occurrences; "active" means in force.
Only pending occurrences are owed: done and waived ones are recorded outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Duty, DutyOccurrence
from storage.status import OccurrenceStatus

PENDING = col(DutyOccurrence.status) == OccurrenceStatus.PENDING
IN_FORCE = col(Duty.retired_at).is_(None)
BY_DUE = (col(DutyOccurrence.due), col(DutyOccurrence.id))
Owed = tuple[DutyOccurrence, Duty]


def duties_of(partnership_id: int, *, session: Session, retired: bool = False) -> list[Duty]:
    """The partnership's duties and joint meetings in force (or, `retired`, every one it has
    had: their history stays), in protocol order."""
    query = select(Duty).where(Duty.partnership_id == partnership_id)
    query = query if retired else query.where(IN_FORCE)
    return list(session.exec(query.order_by(col(Duty.id))))


def period_keys(duty_id: int, *, session: Session) -> set[str]:
    """The periods of the duty that already have an occurrence."""
    query = select(DutyOccurrence.period_key).where(DutyOccurrence.duty_id == duty_id)
    return set(session.exec(query))


def _with_duties(partnership_id: int, *conditions: Any) -> Any:
    return (
        select(DutyOccurrence, Duty)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(Duty.partnership_id == partnership_id, *conditions)
    )


def due_for_prompting(partnership_id: int, now: datetime, *, session: Session) -> list[Owed]:
    """Pending occurrences whose next prompt time has come: the quiet tick reads nothing else."""
    query = _with_duties(partnership_id, col(DutyOccurrence.next_prompt_at) <= now, PENDING)
    return [(row, duty) for row, duty in session.exec(query)]


def never_prompted(partnership_id: int, earliest_due: date, *, session: Session) -> list[Owed]:
    """Pending occurrences without a prompt time yet (fresh ones), due on or after a day."""
    query = _with_duties(
        partnership_id,
        PENDING,
        col(DutyOccurrence.next_prompt_at).is_(None),
        col(DutyOccurrence.completed_at).is_(None),
        col(DutyOccurrence.due) >= earliest_due,
    )
    return [(row, duty) for row, duty in session.exec(query)]


def owed(partnership_id: int, opening_by: date, *, session: Session) -> list[Owed]:
    """Pending occurrences of duties in force that open by a day, soonest due first."""
    query = _with_duties(partnership_id, IN_FORCE, PENDING, col(DutyOccurrence.opens) <= opening_by)
    return [(row, duty) for row, duty in session.exec(query.order_by(*BY_DUE))]


def owed_since(partnership_id: int, earliest_due: date, *, session: Session) -> list[Owed]:
    """Pending occurrences of duties in force due on or after a day, soonest due first."""
    query = _with_duties(partnership_id, IN_FORCE, PENDING, col(DutyOccurrence.due) >= earliest_due)
    return [(row, duty) for row, duty in session.exec(query.order_by(*BY_DUE))]


def pending_on(partnership_id: int, day: date, *, session: Session) -> list[Owed]:
    """Pending occurrences whose window holds `day` (opens <= day <= due)."""
    query = _with_duties(
        partnership_id, PENDING, col(DutyOccurrence.opens) <= day, col(DutyOccurrence.due) >= day
    )
    return [(row, duty) for row, duty in session.exec(query)]


def pending_of_period(
    duty_ids: Iterable[int | None], period_key: str, *, session: Session
) -> list[DutyOccurrence]:
    """The pending occurrences of these duties for one period (a meeting's, say)."""
    query = select(DutyOccurrence).where(
        col(DutyOccurrence.duty_id).in_([i for i in duty_ids if i is not None]),
        DutyOccurrence.period_key == period_key,
        PENDING,
    )
    return list(session.exec(query))


def opening_between(
    partnership_id: int, first: date, last: date, *, session: Session
) -> list[Owed]:
    """Occurrences of duties in force whose window opens within [first, last], any status."""
    column = col(DutyOccurrence.opens)
    query = _with_duties(partnership_id, IN_FORCE, column >= first, column <= last)
    return [(row, duty) for row, duty in session.exec(query.order_by(*BY_DUE))]


def due_between(partnership_id: int, first: date, last: date, *, session: Session) -> list[Owed]:
    """Occurrences of duties in force due within [first, last], any status."""
    column = col(DutyOccurrence.due)
    query = _with_duties(partnership_id, IN_FORCE, column >= first, column <= last)
    return [(row, duty) for row, duty in session.exec(query.order_by(*BY_DUE))]


def overdue(
    partnership_id: int, today: date, *, session: Session, limit: int
) -> tuple[list[Owed], int]:
    """The first `limit` pending occurrences of duties in force due before `today`, and how
    many there are in all."""
    query = _with_duties(partnership_id, IN_FORCE, PENDING, col(DutyOccurrence.due) < today)
    found = [(row, duty) for row, duty in session.exec(query.order_by(*BY_DUE).limit(limit))]
    if len(found) < limit:
        return found, len(found)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    return found, int(total)


def rows_opening(partnership_id: int, first: date, last: date, *, session: Session) -> list[Any]:
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


def pending_due_before(
    partnership_id: int, day: date, *, session: Session
) -> list[tuple[DutyOccurrence, Duty]]:
    """The partnership's pending occurrences due before `day`, earliest first, with duties."""
    query = (
        select(DutyOccurrence, Duty)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(
            Duty.partnership_id == partnership_id,
            DutyOccurrence.status == OccurrenceStatus.PENDING,
            col(DutyOccurrence.due) < day,
        )
        .order_by(col(DutyOccurrence.due), col(DutyOccurrence.id))
    )
    return list(session.exec(query))


def occurrence_by_period(
    duty_id: int, period_key: str, *, session: Session
) -> DutyOccurrence | None:
    """The duty's occurrence for one period (or one trigger), if it has one."""
    query = select(DutyOccurrence).where(
        DutyOccurrence.duty_id == duty_id, DutyOccurrence.period_key == period_key
    )
    return session.exec(query).first()
