"""The append-only audit log: every change of state writes one entry in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from storage.models import AuditEntry


@dataclass(frozen=True)
class Auditor:
    """Who is changing things, when, in which partnership: each change writes one entry in
    the caller's transaction."""

    session: Session
    at: datetime
    actor: str
    partnership_id: int | None

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            at=self.at,
            actor=self.actor[:40],
            action=action,
            entity=entity,
            entity_id=entity_id,
            partnership_id=self.partnership_id,
            before=before or {},
            after=after or {},
        )
        self.session.add(entry)
        return entry


def record_many(entries: Sequence[dict[str, Any]], *, session: Session) -> None:
    """Many entries as one batch (each a dict of AuditEntry's fields)."""
    if entries:
        session.execute(insert(AuditEntry), list(entries))


def between(
    partnership_id: int, start: datetime | None, end: datetime | None, *, session: Session
) -> list[AuditEntry]:
    """A partnership's audit entries with start <= at < end (either end open), oldest first."""
    query = select(AuditEntry).where(AuditEntry.partnership_id == partnership_id)
    if start is not None:
        query = query.where(col(AuditEntry.at) >= start)
    if end is not None:
        query = query.where(col(AuditEntry.at) < end)
    return list(session.exec(query.order_by(col(AuditEntry.at), col(AuditEntry.id))))


def actions_between(
    partnership_id: int,
    actions: Iterable[str],
    start: datetime,
    end: datetime,
    *,
    session: Session,
) -> list[AuditEntry]:
    """The partnership's entries of these actions with start <= at <= end, oldest first."""
    query = select(AuditEntry).where(
        AuditEntry.partnership_id == partnership_id,
        col(AuditEntry.action).in_(list(actions)),
        col(AuditEntry.at) >= start,
        col(AuditEntry.at) <= end,
    )
    return list(session.exec(query.order_by(col(AuditEntry.at), col(AuditEntry.id))))
