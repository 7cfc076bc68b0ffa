"""/audit shows business managers and secretariat the latest 20 audit entries, to themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from commands.reply import Mention
from storage.errors import BoardbotError
from storage.models import DutyOccurrence
from tests.commands.conftest import NOW, OUTSIDER, BoundPartnership


def annual_reports(bound: BoundPartnership) -> list[DutyOccurrence]:
    bound.run("/duties", "", "U0LSCBBM")  # the year's occurrences exist as /duties shows them
    query = select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
    return list(bound.session.exec(query.order_by(col(DutyOccurrence.id))))


def test_it_shows_the_latest_twenty_newest_first_to_the_person_alone(
    bound: BoundPartnership,
) -> None:
    for day in range(1, 26):
        bound.now = NOW + timedelta(minutes=day)
        bound.run("/meetings", f"add hwb {day} January 2027 at 10:00", "U0HWBBM")
    reply = bound.run("/audit", "", "U0LSCBSEC")
    assert reply.ephemeral
    _, listed, more, _ = reply.message.blocks
    assert len(listed.lines) == 20
    newest = str(listed.lines[0])
    assert "2026-11-23 10:25" in newest and Mention("U0HWBBM") in listed.lines[0]
    assert "meeting.added" in newest and "HWB meeting 2027-01-25 10:00" in newest
    assert "HWB meeting 2027-01-06 10:00" in str(listed.lines[-1])
    assert "more not shown" in str(more)


def test_it_narrows_to_a_board(bound: BoundPartnership) -> None:
    bound.run("/meetings", "add hwb 14 January 2027 at 10:00", "U0HWBBM")
    bound.run("/meetings", "add lrsab 15 January 2027 at 10:00", "U0SABBM")
    lrsab = next(r for r in annual_reports(bound) if r.id)
    bound.run("/duties", f"done {lrsab.id} https://example.org/ar.pdf", "U0LSCBBM")
    hwb = str(bound.run("/audit", "hwb", "U0HWBSEC").message.blocks)
    assert "HWB meeting 2027-01-14" in hwb and "LRSAB meeting" not in hwb
    sab = str(bound.run("/audit", "lrsab", "U0SABBM").message.blocks)
    assert "LRSAB meeting 2027-01-15" in sab and "HWB meeting" not in sab


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        ("", "U0HWBCHAIR", "business manager or secretariat of one of"),
        ("", OUTSIDER, "business manager or secretariat of one of"),
        ("hwb", "U0LSCBBM", "HWB's business manager or secretariat"),
        ("nope", "U0HWBBM", "no board called 'nope'"),
        ("hwb lrsab", "U0HWBBM", "is not an /audit command"),
    ],
)
def test_it_refuses_whoever_may_not_read_it(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message):
        bound.run("/audit", text, user)
