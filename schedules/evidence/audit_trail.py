"""The audit trail as a reader sees it: when (London), who, what, the record touched, and what
changed. One shape for `boardbot audit`, the evidence pack's appendix and its JSON."""

from __future__ import annotations

import json
import re
import textwrap
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from schedules import calendar
from storage.models import (
    AgendaRequest,
    AuditEntry,
    Duty,
    DutyOccurrence,
    Escalation,
    Ladder,
    Meeting,
    MinuteShare,
    Partnership,
)
from storage.queries import audit
from storage.queries.boards import boards_of
from storage.queries.people import names_of
from storage.queries.records import rows_by_id

NOTHING = "—"
SHORT = 60  # characters of a value in the one-line form


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    actor: str  # a Slack user id, or `cli` for the command line
    actor_name: str | None
    action: str
    entity: str
    entity_id: int | None
    record: str  # what the touched record is, in words ("" when it cannot be told)
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def london(self) -> str:
        return f"{self.at.astimezone(calendar.LONDON):%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        return f"{self.actor} ({self.actor_name})" if self.actor_name else self.actor

    @property
    def target(self) -> str:
        number = f" #{self.entity_id}" if self.entity_id is not None else ""
        return f"{self.entity}{number}" + (f" {self.record}" if self.record else "")

    def changes(self) -> list[tuple[str, str | None, str]]:
        """(field, before or None when new, after) for each field that changed."""
        found: list[tuple[str, str | None, str]] = []
        for name in [*self.before, *(k for k in self.after if k not in self.before)]:
            old, new = self.before.get(name), self.after.get(name)
            if (name in self.before and old == new) or (name not in self.before and not new):
                continue  # unchanged, or created empty
            found.append((name, value_text(old) if name in self.before else None, value_text(new)))
        return found

    def changes_text(self, width: int | None = SHORT) -> str:
        def cut(text: str) -> str:
            return textwrap.shorten(text, width, placeholder="…") if width else text

        return "; ".join(
            f"{name}: {cut(new)}" if old is None else f"{name}: {cut(old)} → {cut(new)}"
            for name, old, new in self.changes()
        )

    def text(self) -> str:
        return "  ".join(
            part
            for part in (self.london, self.who, self.action, self.target, self.changes_text())
            if part
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "at_london": self.london,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "record": self.record or None,
            "before": self.before,
            "after": self.after,
        }


def value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, list):
        return ", ".join(item if isinstance(item, str) else value_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_lines(
    partnership_id: int, start: datetime | None, end: datetime | None, *, session: Session
) -> list[AuditLine]:
    """The partnership's audit entries with start <= at < end, oldest first, in words."""
    entries = audit.between(partnership_id, start, end, session=session)
    names = names_of((e.actor for e in entries), session=session)
    described = describe(entries, partnership_id, session=session)
    return [
        AuditLine(
            entry.id or 0,
            entry.at,
            entry.actor,
            names.get(entry.actor),
            entry.action,
            entry.entity,
            entry.entity_id,
            described.get((entry.entity, entry.entity_id), "") or _from_fields(entry),
            dict(entry.before or {}),
            dict(entry.after or {}),
        )
        for entry in entries
    ]


def _from_fields(entry: AuditEntry) -> str:
    """A membership's entry names its board, person and role itself (the row may be gone)."""
    fields = entry.after or entry.before or {}
    if {"board", "user", "role"} <= set(fields):
        return f"{str(fields['board']).upper()} {fields['role']} {fields['user']}"
    return ""


def describe(
    entries: Iterable[AuditEntry], partnership_id: int, *, session: Session
) -> dict[tuple[str, int | None], str]:
    """(entity, id) -> a few words naming the record, one query per kind of record."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.entity_id is not None and entry.entity in DESCRIBERS:
            wanted[entry.entity].add(entry.entity_id)
    if not wanted:
        return {}
    keys = {b.id: b.key.upper() for b in boards_of(partnership_id, session=session, retired=True)}
    found: dict[tuple[str, int | None], str] = {}
    for entity, ids in wanted.items():
        for number, words in DESCRIBERS[entity](ids, keys, session).items():
            found[(entity, number)] = words
    return found


Describer = Callable[[Iterable[int], Mapping[Any, str], Session], dict[int, str]]


def _occurrences(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
    rows = rows_by_id(DutyOccurrence, ids, session=session)
    duties = rows_by_id(Duty, {r.duty_id for r in rows.values()}, session=session)
    return {number: f"{duties[row.duty_id].title} ({row.label})" for number, row in rows.items()}


def _meetings(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
    rows = rows_by_id(Meeting, ids, session=session)
    return {
        number: f"{keys.get(row.board_id, '?')} meeting "
        f"{row.starts_at.astimezone(calendar.LONDON):%Y-%m-%d %H:%M}"
        for number, row in rows.items()
    }


def _shares(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
    rows = rows_by_id(MinuteShare, ids, session=session)
    return {
        number: f"{keys.get(row.board_id, '?')} minutes of {row.meeting_on.isoformat()}"
        for number, row in rows.items()
    }


def _between(model: Any) -> Describer:
    def words(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
        rows = rows_by_id(model, ids, session=session)
        return {
            number: f"{keys.get(row.from_board_id, '?')} → {keys.get(row.to_board_id, '?')}: "
            + textwrap.shorten(row.text, SHORT, placeholder="…")
            for number, row in rows.items()
        }

    return words


def _named(model: Any, attribute: str) -> Describer:
    def words(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
        rows = rows_by_id(model, ids, session=session)
        return {number: str(getattr(row, attribute)) for number, row in rows.items()}

    return words


def _boards(ids: Iterable[int], keys: Mapping[Any, str], session: Session) -> dict[int, str]:
    return {number: keys[number] for number in ids if number in keys}


DESCRIBERS: dict[str, Describer] = {
    "duty_occurrence": _occurrences,
    "meeting": _meetings,
    "minute_share": _shares,
    "agenda_request": _between(AgendaRequest),
    "escalation": _between(Escalation),
    "ladder": _named(Ladder, "name"),
    "partnership": _named(Partnership, "key"),
    "board": _boards,
}


def lines_json(lines: Sequence[AuditLine]) -> list[dict[str, Any]]:
    return [line.as_json() for line in lines]


def about_board(
    lines: Iterable[AuditLine], key: str, occurrence_ids: Collection[int] = ()
) -> list[AuditLine]:
    """The lines that concern one board: the record they touched names it (a meeting, minutes,
    a request or escalation to or from it, the board itself), a field names it (a membership,
    minutes shared with it), or it is one of `occurrence_ids` (its duties' occurrences)."""
    word = re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])", re.IGNORECASE)

    def names_it(line: AuditLine) -> bool:
        if line.entity == "duty_occurrence" and line.entity_id in occurrence_ids:
            return True
        if word.search(line.record):
            return True
        fields = json.dumps([line.before, line.after], ensure_ascii=False)
        return bool(word.search(fields))

    return [line for line in lines if names_it(line)]
