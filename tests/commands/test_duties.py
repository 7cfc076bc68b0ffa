"""/duties lists what a board owes, and records done and waived with an audit entry."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.errors import BoardbotError
from storage.models import AuditEntry, DutyOccurrence
from tests.commands.conftest import OUTSIDER, BoundPartnership


def annual_report_id(bound: BoundPartnership) -> int:
    reply = bound.run("/duties", "lrlscb", "U0LSCBBM")
    row = bound.session.exec(
        select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
    ).first()
    assert row is not None and row.id is not None
    assert f"#{row.id}" in str(reply.message.blocks)
    return row.id


def test_it_lists_a_boards_annual_report_as_due_soon(bound: BoundPartnership) -> None:
    reply = bound.run("/duties", "LRLSCB", OUTSIDER)
    text = str(reply.message.blocks)
    assert "LRLSCB annual report to the HWB" in text
    assert "Due within 10 working days" in text
    assert reply.ephemeral


def test_it_marks_a_duty_done_with_its_evidence_and_audits_it(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    reply = bound.run("/duties", f"done {occ_id} https://example.org/ar.pdf", "U0LSCBBM")
    assert "is done" in reply.message.text
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "done" and row.evidence_link == "https://example.org/ar.pdf"
    entry = bound.session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert entry.actor == "U0LSCBBM" and entry.before == {"status": "pending"}


def test_it_refuses_a_duty_from_someone_with_no_role_on_its_board(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    with pytest.raises(BoardbotError, match="LRLSCB's business manager or secretariat"):
        bound.run("/duties", f"done {occ_id}", "U0HWBBM")
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "pending"


def test_it_waives_with_a_reason_and_refuses_a_second_outcome(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    bound.run("/duties", f"waive {occ_id} presented jointly with the LRSAB report", "U0LSCBSEC")
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "waived" and row.note == "presented jointly with the LRSAB report"
    with pytest.raises(BoardbotError, match="already waived"):
        bound.run("/duties", f"done {occ_id}", "U0LSCBBM")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "no board called 'nope'"),
        ("done", "give the duty's id"),
        ("done twelve", "'twelve' is not a duty id"),
        ("done 99999", "there is no duty #99999"),
        ("waive 1", "give the duty's id and the reason"),
        ("done 1 not-a-link", "'not-a-link' is not a link"),
        ("lrlscb extra words", "is not a /duties command"),
    ],
)
def test_it_explains_a_malformed_command(bound: BoundPartnership, text: str, message: str) -> None:
    with pytest.raises(BoardbotError, match=message):
        bound.run("/duties", text, "U0LSCBBM")


def test_it_understands_a_board_given_as_its_channel(bound: BoundPartnership) -> None:
    reply = bound.run("/duties", "#C0SAB", OUTSIDER)
    assert "LRSAB annual report" in str(reply.message.blocks)
