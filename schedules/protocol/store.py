"""Put a protocol into the database: load again to update in place; removed duties retire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from schedules.cycle import duty_specs
from schedules.protocol.model import Protocol
from storage.models import Board, Duty, Ladder, Partnership
from storage.queries import audit
from storage.queries.boards import every_board_of
from storage.queries.escalations import ladders_by_id
from storage.queries.occurrences import every_duty
from storage.queries.partnerships import partnership_by_key


@dataclass
class LoadReport:
    partnership: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self.partnership}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.retired)} retired, {self.unchanged} unchanged"
        )


def store_protocol(
    protocol: Protocol, *, session: Session, now: datetime, actor: str = "cli"
) -> LoadReport:
    info = protocol.partnership
    report = LoadReport(info.key)
    partnership = partnership_by_key(info.key, session=session)
    values: dict[str, Any] = {
        "name": info.name,
        "timezone": info.timezone,
        "year_start_month": info.year_start_month,
        "source": info.source,
        "protocol": protocol.model_dump(mode="json"),
    }
    if partnership is None:
        partnership = Partnership(key=info.key, loaded_at=now, **values)
        session.add(partnership)
        session.flush()
        report.created.append(f"partnership {info.key}")
    else:
        _apply(partnership, values, f"partnership {info.key}", report)
        partnership.loaded_at = now
    assert partnership.id is not None
    _store_boards(protocol, partnership.id, session, now, report)
    _store_duties(protocol, partnership.id, session, now, report)
    _store_ladders(protocol, partnership.id, session, report)
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="protocol.load",
        entity="partnership",
        entity_id=partnership.id,
        partnership_id=partnership.id,
        after={"created": report.created, "updated": report.updated, "retired": report.retired},
    )
    return report


def _apply(row: Any, values: dict[str, Any], name: str, report: LoadReport) -> None:
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        report.updated.append(name)
    else:
        report.unchanged += 1


def _store_boards(
    protocol: Protocol, pid: int, session: Session, now: datetime, report: LoadReport
) -> None:
    existing = {b.key: b for b in every_board_of(pid, session=session)}
    for spec in protocol.boards:
        values: dict[str, Any] = {"name": spec.name, "kind": spec.kind, "retired_at": None}
        board = existing.pop(spec.key, None)
        if board is None:
            session.add(Board(partnership_id=pid, key=spec.key, **values))
            report.created.append(f"board {spec.key}")
        else:
            _apply(board, values, f"board {spec.key}", report)
    for board in existing.values():
        if board.retired_at is None:
            board.retired_at = now
            report.retired.append(f"board {board.key}")


def _store_duties(
    protocol: Protocol, pid: int, session: Session, now: datetime, report: LoadReport
) -> None:
    existing = {d.key: d for d in every_duty(pid, session=session)}
    for spec in duty_specs(protocol):
        values: dict[str, Any] = {**spec.as_json(), "retired_at": None}
        duty = existing.pop(spec.key, None)
        if duty is None:
            session.add(Duty(partnership_id=pid, key=spec.key, **values))
            report.created.append(f"duty {spec.key}")
        else:
            _apply(duty, values, f"duty {spec.key}", report)
    for duty in existing.values():
        if duty.retired_at is None:
            duty.retired_at = now  # its occurrences and history stay
            report.retired.append(f"duty {duty.key}")


def _store_ladders(protocol: Protocol, pid: int, session: Session, report: LoadReport) -> None:
    existing = {lad.key: lad for lad in ladders_by_id(pid, session=session).values()}
    for spec in protocol.ladders:
        values: dict[str, Any] = {
            "name": spec.name,
            "clause": spec.clause,
            "stages": [stage.model_dump() for stage in spec.stages],
        }
        ladder = existing.pop(spec.id, None)
        if ladder is None:
            session.add(Ladder(partnership_id=pid, key=spec.id, **values))
            report.created.append(f"ladder {spec.id}")
        else:
            _apply(ladder, values, f"ladder {spec.id}", report)
