"""The evidence pack: a partnership's year as one HTML document, a CSV and a JSON file.

`build_pack(partnership_key, year_start, at, session=…)` reads the record (never writes it) and
returns a Pack; `pack.render(fmt)` gives the bytes of one format. The CLI and Slack both use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from schedules.evidence.audit_trail import about_board
from schedules.evidence.gather import YearRecord, find_partnership, gather
from schedules.evidence.year import PackYear, current_start, year_start
from storage.errors import BoardbotError

FORMATS = ("html", "csv", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@dataclass
class Pack:
    record: YearRecord
    board: str | None = None  # a pack narrowed to one board's part of the year

    def render(self, fmt: str) -> bytes:
        from schedules.evidence import tables

        if check_format(fmt) == "csv":
            return tables.csv_bytes(self.record)
        if fmt == "json":
            return tables.json_bytes(self.record)
        from schedules.evidence.document import html_bytes  # Jinja2 only when HTML is wanted

        return html_bytes(self.record)

    def filename(self, fmt: str) -> str:
        """rutland-evidence-2026-27.html"""
        label = self.record.year.label.replace("/", "-")
        whose = f"{self.record.partnership}-{self.board}" if self.board else self.record.partnership
        return f"{whose}-evidence-{label}.{check_format(fmt)}"


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BoardbotError(f"'{fmt}' is not a format of the evidence pack; use html, csv or json")
    return fmt


def build_pack(partnership_key: str, start: int | None, at: datetime, *, session: Session) -> Pack:
    """The pack of the partnership's year starting in `start` (None: the year holding `at`), as
    the record stood at `at`."""
    partnership = find_partnership(partnership_key, session=session)
    month = partnership.year_start_month
    year = PackYear(current_start(at, month) if start is None else start, month)
    return Pack(gather(partnership, year, at, session=session))


def narrowed(pack: Pack, key: str) -> Pack:
    """The pack of one board's part of the year: the duties it owes or is owed, its meetings
    and minutes, the requests and escalations it made or received, the audit entries about
    them; the other boards appear only as its counterparts."""
    found = pack.record
    duties = [r for r in found.duties if key in r.duty.owners or key in r.duty.counterparts]
    occurrences = {r.occurrence_id for r in duties if r.occurrence_id is not None}
    record = replace(
        found,
        boards=[b for b in found.boards if b.key == key],
        duties=duties,
        meetings=[t for t in found.meetings if t.board == key],
        minutes=[m for m in found.minutes if m.board == key],
        agenda=[a for a in found.agenda if key in (a.from_board, a.to_board)],
        escalations=[e for e in found.escalations if key in (e.from_board, e.to_board)],
        audit=about_board(found.audit, key, occurrences),
        minutes_limits={k: v for k, v in found.minutes_limits.items() if k == key},
    )
    return Pack(record, key)


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Pack",
    "PackYear",
    "build_pack",
    "check_format",
    "narrowed",
    "year_start",
]
