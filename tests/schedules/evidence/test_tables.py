"""The pack as data: the CSV's exact columns and rows, its formula guard, and the JSON's shape."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlmodel import select

from schedules.evidence import Pack, build_pack
from schedules.evidence.tables import COLUMNS, guard
from storage.models import Duty, DutyOccurrence
from tests.commands.conftest import BoundPartnership
from tests.schedules.evidence.year_of_activity import AT, moment, occurrence, run

HEADER = (
    "partnership,duty_id,title,clause,owners,counterparts,opens,closes,due,status,"
    "done_on,done_by,evidence,note,waived_reason"
)


def csv_rows(pack: Pack) -> list[dict[str, str]]:
    text = pack.render("csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_exactly_the_columns_in_order(pack: Pack) -> None:
    raw = pack.render("csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for spreadsheets
    first = raw.decode("utf-8-sig").splitlines()[0]
    assert first == HEADER
    assert tuple(first.split(",")) == COLUMNS


def test_the_csv_has_one_row_per_occurrence_of_the_year(
    year: BoundPartnership, year_pack: Pack
) -> None:
    rows = csv_rows(year_pack)
    stored = year.session.exec(
        select(DutyOccurrence).where(
            DutyOccurrence.opens >= date(2026, 4, 1), DutyOccurrence.opens <= date(2027, 3, 31)
        )
    ).all()
    assert len(rows) == len(stored) == 6
    assert sorted((r["duty_id"], r["opens"]) for r in rows) == sorted(
        (year.session.get(Duty, o.duty_id).key, o.opens.isoformat())  # type: ignore[union-attr]
        for o in stored
    )
    report = next(r for r in rows if r["duty_id"] == "lrlscb-annual-report-to-hwb")
    assert report == {
        "partnership": "rutland",
        "duty_id": "lrlscb-annual-report-to-hwb",
        "title": "LRLSCB annual report to the HWB",
        "clause": "Arrangements to secure co-ordination, para 1",
        "owners": "lrlscb",
        "counterparts": "hwb",
        "opens": "2026-09-01",
        "closes": "2026-11-30",
        "due": "2026-11-30",
        "status": "done_late",
        "done_on": "2026-12-03",
        "done_by": "U0LSCBBM",
        "evidence": "https://example.org/lrlscb-annual-report.pdf",
        "note": "",
        "waived_reason": "",
    }
    shared = next(r for r in rows if r["duty_id"] == "refreshed-plans-shared")
    assert (shared["owners"], shared["counterparts"]) == ("hwb lrlscb lrsab", "")


def test_every_status_is_one_of_the_six(pack: Pack) -> None:
    allowed = {"done", "done_late", "waived", "overdue", "open", "upcoming"}
    assert {r["status"] for r in csv_rows(pack)} <= allowed


@pytest.mark.parametrize("cell", ["=SUM(A1:A9)", "+44 1234", "-1", "@cmd"])
def test_a_cell_that_a_spreadsheet_would_run_is_made_text(cell: str) -> None:
    assert guard(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Presented at the HWB", "2026-11-30", "a=b", "", None])
def test_other_cells_are_left_alone(cell: str | None) -> None:
    assert guard(cell) == (cell or "")


def test_a_formula_in_a_waiver_reason_reaches_the_csv_as_text_and_the_json_as_is(
    bound: BoundPartnership,
) -> None:
    run(bound, moment(2026, 9, 2), "/duties", "lrsab", "U0SABBM")
    sab = occurrence(bound, "lrsab-annual-report-to-hwb", date(2026, 9, 1))
    formula = '=HYPERLINK("https://example.org","open")'
    run(bound, moment(2026, 9, 2), "/duties", f"waive {sab.id} {formula}", "U0SABBM")
    pack = build_pack("rutland", 2026, AT, session=bound.session)
    row = next(r for r in csv_rows(pack) if r["duty_id"] == "lrsab-annual-report-to-hwb")
    assert row["waived_reason"] == "'" + formula
    document = json.loads(pack.render("json"))
    waived = next(d for d in document["duties"] if d["duty_id"] == "lrsab-annual-report-to-hwb")
    assert waived["waived_reason"] == formula


def test_the_json_has_the_packs_shape(pack: Pack) -> None:
    document = json.loads(pack.render("json"))
    assert list(document) == [
        "partnership",
        "year",
        "duties",
        "minutes",
        "agenda_requests",
        "escalations",
        "audit",
    ]
    assert (document["partnership"], document["year"]) == ("rutland", "2026/27")
    assert [list(row) for row in document["duties"]] == [list(COLUMNS)] * 6
    assert [row["status"] for row in document["minutes"]] == ["on_time", "late", "not_shared"]
    assert set(document["minutes"][0]) == {
        "board", "meeting_id", "meeting_on", "due", "status", "shared_on", "logged_by", "link",
        "shared_with",
    }  # fmt: skip
    assert [row["status"] for row in document["agenda_requests"]] == [
        "accepted",
        "declined",
        "unanswered",
    ]
    escalation = document["escalations"][0]
    assert (escalation["status"], escalation["deadlines_missed"]) == ("resolved", 1)
    assert set(escalation["steps"][0]) == {
        "stage", "stage_name", "action", "at", "by", "note", "deadline", "working_days", "missed",
    }  # fmt: skip
    audit = document["audit"]
    assert set(audit[0]) == {
        "id", "at", "at_london", "actor", "actor_name", "action", "entity", "entity_id",
        "record", "before", "after",
    }  # fmt: skip
    assert [line["at"] for line in audit] == sorted(line["at"] for line in audit)
