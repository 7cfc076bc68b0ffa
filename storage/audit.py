"""The append-only audit log: every change of state writes one entry in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEntry


def record(
    *,
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    partnership_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        partnership_id=partnership_id,
        before=before or {},
        after=after or {},
    )
    session.add(entry)
    return entry


def entries(
    *, session: Session, partnership_id: int | None = None, limit: int = 200
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    if partnership_id is not None:
        query = query.where(AuditEntry.partnership_id == partnership_id)
    return list(session.exec(query.limit(limit)))
