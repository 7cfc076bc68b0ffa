"""Records by id: within one partnership (ids people type or press), and many at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from storage.models import AgendaRequest, Duty, DutyOccurrence, Escalation, Meeting
from storage.queries.boards import ids_in

CHUNK = 500  # ids per IN (...) list, well inside every database's limit on bound parameters
Row = TypeVar("Row", bound=SQLModel)


def record_in_partnership(
    model: type[Row], record_id: int, partnership_id: int, *, session: Session
) -> Row | None:
    """The record `record_id` of `model` if it belongs to the partnership, else None.

    Every id that comes from a person (a command's argument, a button's value) is looked up
    here, so that no partnership can read or change another's records."""
    key: Any = model.id  # type: ignore[attr-defined]
    query = select(model).where(key == record_id, _belongs(model, partnership_id))
    return session.exec(query).first()


def _belongs(model: type[SQLModel], partnership_id: int) -> Any:
    if model in (AgendaRequest, Escalation, Duty):
        owner: Any = getattr(model, "partnership_id")  # noqa: B009 - any of the three
        return owner == partnership_id
    if model is Meeting:
        return col(Meeting.board_id).in_(ids_in(partnership_id))
    if model is DutyOccurrence:
        duties = select(Duty.id).where(Duty.partnership_id == partnership_id)
        return col(DutyOccurrence.duty_id).in_(duties)
    raise TypeError(f"{model.__name__} records are not looked up by id within a partnership")


def rows_by_id(model: type[Row], ids: Iterable[int], *, session: Session) -> dict[int, Row]:
    """The rows of `model` with these ids (missing ones are simply absent)."""
    key: Any = model.id  # type: ignore[attr-defined]
    found: dict[int, Row] = {}
    for part in chunks(sorted(set(ids))):
        rows: list[Any] = list(session.exec(select(model).where(key.in_(part))))
        found.update({row.id: row for row in rows})
    return found


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for index in range(0, len(values), CHUNK):
        yield values[index : index + CHUNK]
