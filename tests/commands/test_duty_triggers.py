"""/duties trigger opens a triggered duty's occurrence, prompted as a window opening is, with the
note; marking a duty done opens the duties triggered `by` it; /duties lists what can be
triggered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.errors import BoardbotError
from storage.models import AuditEntry, Duty, DutyOccurrence
from tests.commands.anyborough import Anyborough, bind_anyborough
from tests.commands.conftest import OUTSIDER

NOTE = "the strategy was reviewed at the October meeting"


@pytest.fixture
def anyborough(engine: Engine) -> Iterator[Anyborough]:
    with Session(engine, expire_on_commit=False) as session:
        yield bind_anyborough(session)


def occurrences_of(world: Anyborough, key: str) -> list[DutyOccurrence]:
    query = (
        select(DutyOccurrence)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(Duty.key == key)
    )
    return list(world.session.exec(query))


def test_a_member_of_an_owner_board_triggers_a_duty_and_it_is_prompted_as_a_window_opens(
    anyborough: Anyborough,
) -> None:
    reply = anyborough.run("/duties", f"trigger strategy-progress-report {NOTE}", "U0HWBMEM")
    (row,) = occurrences_of(anyborough, "strategy-progress-report")
    assert (row.opens, row.due, row.trigger_note) == (date(2026, 11, 23), date(2026, 12, 21), NOTE)
    assert not reply.ephemeral and "due 21 December 2026" in reply.message.text
    entry = anyborough.session.exec(
        select(AuditEntry).where(AuditEntry.action == "duty.triggered")
    ).one()
    assert entry.actor == "U0HWBMEM" and entry.after and entry.after["note"] == NOTE
    sent = [e for e in anyborough.plan() if "strategy" in e.subject]
    heard = {(e.kind, e.recipient) for e in sent}
    assert heard == {
        ("window_opens", "C0HWB"),
        ("window_opens", "U0HWBCHAIR"),
        ("window_opens", "U0HWBBM"),
        ("counterpart_notice", "U0SCBBM"),
    }
    assert all(NOTE in e.payload["text"] for e in sent)
    assert all(e.status == "pending" and not e.late for e in sent)


def test_two_triggers_on_one_day_open_two_occurrences(anyborough: Anyborough) -> None:
    anyborough.run("/duties", "trigger strategy-progress-report", "U0SCBBM")
    anyborough.run("/duties", "trigger strategy-progress-report again", "U0SCBBM")
    keys = sorted(r.period_key for r in occurrences_of(anyborough, "strategy-progress-report"))
    assert keys == ["triggered:2026-11-23:1", "triggered:2026-11-23:2"]


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        ("trigger", "U0HWBBM", "give the id of the duty to trigger"),
        ("trigger nope", "U0HWBBM", "'nope' is not a duty that can be triggered"),
        ("trigger scb-annual-report", "U0HWBBM", "those that can: cabinet-response, strategy"),
        ("trigger strategy-progress-report", OUTSIDER, "you need a role on HWB, SCB"),
        ("trigger strategy-progress-report " + "x" * 400, "U0HWBBM", "keep it under 300"),
    ],
)
def test_it_refuses_a_trigger_it_cannot_open(
    anyborough: Anyborough, text: str, user: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message):
        anyborough.run("/duties", text, user)
    assert occurrences_of(anyborough, "strategy-progress-report") == []


def test_marking_a_duty_done_opens_the_duty_triggered_by_it_once(anyborough: Anyborough) -> None:
    (report,) = [r for r in occurrences_of(anyborough, "scb-annual-report") if r.opens.year == 2026]
    reply = anyborough.run("/duties", f"done {report.id}", "U0SCBBM")
    (opened,) = occurrences_of(anyborough, "cabinet-response")
    assert opened.period_key == f"triggered:by:{report.id}"
    assert opened.due == date(2026, 12, 21)
    assert f"#{opened.id}" in str(reply.message.blocks)
    sent = {(e.kind, e.recipient) for e in anyborough.plan() if "cabinet" in e.subject}
    # Cabinet is a partner: its person hears by direct message; the SCB as counterpart.
    assert sent == {("window_opens", "U0CAB"), ("counterpart_notice", "U0SCBBM")}
    with pytest.raises(BoardbotError, match="already done"):
        anyborough.run("/duties", f"done {report.id}", "U0SCBBM")
    assert len(occurrences_of(anyborough, "cabinet-response")) == 1


def test_a_trigger_on_a_saturday_is_prompted_on_monday(anyborough: Anyborough) -> None:
    saturday = anyborough.now - timedelta(days=2)
    anyborough.now = saturday
    anyborough.run("/duties", "trigger strategy-progress-report", "U0HWBBM")
    assert all("strategy" not in e.subject for e in anyborough.plan(saturday))
    monday = saturday + timedelta(days=2)
    assert any("strategy" in e.subject for e in anyborough.plan(monday))


def test_duties_lists_what_can_be_triggered(anyborough: Anyborough) -> None:
    everything = str(anyborough.run("/duties", "", OUTSIDER).message.blocks)
    assert "Can be triggered" in everything
    assert "strategy-progress-report" in everything and "cabinet-response" in everything
    hwb = str(anyborough.run("/duties", "hwb", OUTSIDER).message.blocks)
    assert "strategy-progress-report" in hwb and "cabinet-response" not in hwb


def test_a_partners_person_lists_and_completes_what_the_partner_owes(
    anyborough: Anyborough,
) -> None:
    (report,) = [r for r in occurrences_of(anyborough, "scb-annual-report") if r.opens.year == 2026]
    anyborough.run("/duties", f"done {report.id}", "U0SCBBM")
    (opened,) = occurrences_of(anyborough, "cabinet-response")
    listed = str(anyborough.run("/duties", "cabinet", "U0CAB").message.blocks)
    assert f"#{opened.id}" in listed and "Cabinet's response" in listed
    with pytest.raises(BoardbotError, match="only the people of CABINET may mark duties done"):
        anyborough.run("/duties", f"done {opened.id}", "U0HWBBM")
    anyborough.run("/duties", f"done {opened.id}", "U0CAB")
    anyborough.session.refresh(opened)
    assert opened.status == "done" and opened.completed_by == "U0CAB"
