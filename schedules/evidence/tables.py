"""The pack as data: CSV (one row per duty occurrence, for spreadsheets) and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from schedules.evidence.audit_trail import lines_json
from schedules.evidence.duties import DutyRow
from schedules.evidence.escalations import EscalationRow
from schedules.evidence.gather import YearRecord
from storage.status import Standing

COLUMNS = (
    "partnership",
    "duty_id",
    "title",
    "clause",
    "owners",
    "counterparts",
    "opens",
    "closes",
    "due",
    "status",
    "done_on",
    "done_by",
    "evidence",
    "note",
    "waived_reason",
)
FORMULA_STARTS = ("=", "+", "-", "@")
BOM = "\ufeff"  # so that spreadsheets read the file as UTF-8


def csv_status(status: Standing) -> str:
    """The CSV's status: one of done, done_late, waived, overdue, open, upcoming, as
    spreadsheets built on it expect. An occurrence due before the partnership started using
    boardbot is still open (it may be recorded done or waived) and is not overdue."""
    return Standing.OPEN if status == Standing.BEFORE_BOARDBOT else status


def duty_fields(partnership: str, row: DutyRow) -> dict[str, str | None]:
    """An occurrence as the CSV's columns; None where there is nothing to say."""
    return {
        "partnership": partnership,
        "duty_id": row.duty.key,
        "title": row.duty.title,
        "clause": row.duty.clause or None,
        "owners": " ".join(row.duty.owners),
        "counterparts": " ".join(row.duty.counterparts) or None,
        "opens": row.opens.isoformat(),
        "closes": row.closes.isoformat(),
        "due": row.due.isoformat(),
        "status": csv_status(row.status),
        "done_on": row.done_on.isoformat() if row.done_on else None,
        "done_by": row.done_by,
        "evidence": row.evidence,
        "note": row.note,
        "waived_reason": row.waived_reason,
    }


def guard(cell: str | None) -> str:
    """A spreadsheet would run a cell starting =, +, - or @ as a formula: make it text."""
    if not cell:
        return ""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_bytes(found: YearRecord) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in found.duties:
        fields = duty_fields(found.partnership, row)
        writer.writerow([guard(fields[name]) for name in COLUMNS])
    return (BOM + buffer.getvalue()).encode("utf-8")


def json_bytes(found: YearRecord) -> bytes:
    document = {
        "partnership": found.partnership,
        "year": found.year.label,
        "duties": [duty_fields(found.partnership, row) for row in found.duties],
        "minutes": [plain(asdict(row)) for row in found.minutes],
        "agenda_requests": [plain(asdict(row)) for row in found.agenda],
        "escalations": [escalation_json(row) for row in found.escalations],
        "audit": lines_json(found.audit),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def escalation_json(row: EscalationRow) -> dict[str, Any]:
    fields = plain(asdict(row))
    fields["deadlines_missed"] = row.deadlines_missed
    return fields


def plain(value: Any) -> Any:
    """Dates and instants as ISO strings, tuples as lists, all the way down."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
