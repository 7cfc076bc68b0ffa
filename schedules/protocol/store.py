"""Put a protocol into the database: loading it again updates in place, and a board, duty or
ladder the protocol no longer has retires (its history stays, and it comes back if restored)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from typing import Protocol as Typed

from sqlmodel import Session

from schedules.cycle import duty_specs
from schedules.ladders import DEFAULT_LADDER, DEFAULT_LADDER_KEY
from schedules.occurrences import materialise
from schedules.protocol.model import Ladder as LadderSpec
from schedules.protocol.model import Protocol
from storage.models import Board, Duty, Ladder, Partnership
from storage.queries.audit import Auditor
from storage.queries.boards import boards_of, new_body
from storage.queries.escalations import every_ladder_of
from storage.queries.occurrences import duties_of
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


class Retiring(Typed):
    """A stored board, duty or ladder: keyed within its partnership, retired when dropped."""

    key: str
    retired_at: datetime | None


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
    pid = partnership.id
    assert pid is not None
    boards = {b.key: {"name": b.name, "kind": b.kind} for b in protocol.boards}
    duties = {spec.key: spec.as_json() for spec in duty_specs(protocol)}
    stored_ladders = every_ladder_of(pid, session=session)
    ladders = {ladder.id: _ladder_values(ladder) for ladder in _ladders(protocol, stored_ladders)}
    store = Store(session, pid, now, report)
    every_board = boards_of(pid, session=session, retired=True)
    store.kind(
        "board", Board, every_board, boards, fresh=lambda: {"body_id": new_body(session=session)}
    )
    store.kind("duty", Duty, duties_of(pid, session=session, retired=True), duties)
    store.kind("ladder", Ladder, stored_ladders, ladders)
    session.flush()
    materialise(partnership, now, session=session)  # the year's occurrences, from the start
    after = {"created": report.created, "updated": report.updated, "retired": report.retired}
    Auditor(session, now, actor, pid).record("protocol.load", "partnership", pid, after=after)
    return report


def _ladders(protocol: Protocol, stored: Iterable[Ladder]) -> list[LadderSpec]:
    """The protocol's ladders; without any, the default one stays in force if it was made."""
    if protocol.ladders:
        return list(protocol.ladders)
    return [DEFAULT_LADDER] if any(row.key == DEFAULT_LADDER_KEY for row in stored) else []


def _ladder_values(ladder: LadderSpec) -> dict[str, Any]:
    stages = [stage.model_dump() for stage in ladder.stages]
    return {"name": ladder.name, "clause": ladder.clause, "stages": stages}


@dataclass
class Store:
    """One load: each kind of record updated in place, created, or retired."""

    session: Session
    partnership_id: int
    now: datetime
    report: LoadReport

    def kind(
        self,
        noun: str,
        model: type[Any],
        stored: Iterable[Retiring],
        wanted: Mapping[str, dict[str, Any]],
        fresh: Callable[[], dict[str, Any]] = dict,
    ) -> None:
        """Make the stored records of one kind say what the protocol says, key by key; a new
        record also gets the `fresh` values (a new board: a body of its own)."""
        existing = {row.key: row for row in stored}
        for key, values in wanted.items():
            row = existing.pop(key, None)
            in_force = {**values, "retired_at": None}  # back in the protocol: back in force
            if row is None:
                made = model(partnership_id=self.partnership_id, key=key, **in_force, **fresh())
                self.session.add(made)
                self.report.created.append(f"{noun} {key}")
            else:
                _apply(row, in_force, f"{noun} {key}", self.report)
        for row in existing.values():
            if row.retired_at is None:
                row.retired_at = self.now  # its history (occurrences, escalations) stays
                self.report.retired.append(f"{noun} {row.key}")


def _apply(row: Any, values: dict[str, Any], name: str, report: LoadReport) -> None:
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        report.updated.append(name)
    else:
        report.unchanged += 1
