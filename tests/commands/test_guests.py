"""Guests at a board's meetings get its agenda packs and meeting notices, see its meetings on
their Home, and may log its minutes when the protocol says their board shares them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from commands.context import Invocation
from commands.home import home_blocks
from schedules.feeds.sync import MOVED
from storage.errors import BoardbotError
from storage.models import Duty, DutyOccurrence, Meeting
from storage.queries.audit import Auditor
from storage.queries.boards import board_by_key
from tests.commands.anyborough import Anyborough, bind_anyborough


@pytest.fixture
def anyborough(engine: Engine) -> Iterator[Anyborough]:
    with Session(engine, expire_on_commit=False) as session:
        yield bind_anyborough(session)


def meeting_of(world: Anyborough, key: str, days: int) -> Meeting:
    partnership = world.partnership
    assert partnership.id is not None
    board = board_by_key(partnership.id, key, session=world.session)
    assert board and board.id
    meeting = Meeting(board_id=board.id, starts_at=world.now + timedelta(days=days))
    world.session.add(meeting)
    world.session.commit()
    return meeting


def test_a_boards_guests_get_its_agenda_pack(anyborough: Anyborough) -> None:
    meeting_of(anyborough, "scb", 7)  # five working days ahead: the pack goes today
    packs = {e.recipient for e in anyborough.plan() if e.kind == "agenda_pack"}
    # its business manager; the HWB's chair and the Lead Member, its guests
    assert packs == {"U0SCBBM", "U0HWBCHAIR", "U0LEAD"}


def test_a_boards_guests_are_told_when_its_meeting_moves(anyborough: Anyborough) -> None:
    meeting = meeting_of(anyborough, "scb", 30)
    starts = meeting.starts_at.isoformat()
    auditor = Auditor(anyborough.session, anyborough.now, "feed", anyborough.partnership.id)
    auditor.record(
        MOVED,
        "meeting",
        meeting.id,
        before={"starts_at": starts},
        after={"board": "scb", "starts_at": starts},
    )
    anyborough.session.commit()
    told = {e.recipient for e in anyborough.plan() if e.kind == "meeting_changed"}
    assert told == {"C0SCB", "U0HWBCHAIR", "U0LEAD"}


def home_text(world: Anyborough, user: str) -> str:
    return str(home_blocks(Invocation(world.session, user, "D0HOME", world.now)))


def test_guests_see_the_boards_meetings_on_their_home(anyborough: Anyborough) -> None:
    meeting = meeting_of(anyborough, "scb", 10)
    chair = home_text(anyborough, "U0HWBCHAIR")
    assert "Meetings you attend as a guest" in chair and f"#{meeting.id}" in chair
    lead = home_text(anyborough, "U0LEAD")  # a partner's person, on no board
    assert "Meetings you attend as a guest" in lead and f"#{meeting.id}" in lead
    assert "Meetings you attend as a guest" not in home_text(anyborough, "U0HWBBM")


def test_a_guest_logs_the_minutes_its_board_shares_and_no_other(anyborough: Anyborough) -> None:
    reply = anyborough.run("/minutes", "hwb 20 November 2026", "U0SCBCHAIR")
    assert "HWB" in reply.message.text and "logged as shared" in reply.message.text
    with pytest.raises(BoardbotError, match="SCB's business manager or secretariat"):
        anyborough.run("/minutes", "scb 20 November 2026", "U0LEAD")
    with pytest.raises(BoardbotError, match="HWB's business manager or secretariat"):
        anyborough.run("/minutes", "hwb 19 November 2026", "U0SCBBM")


def test_minutes_that_complete_a_duty_open_the_duty_triggered_by_it(anyborough: Anyborough) -> None:
    meeting_of(anyborough, "hwb", -3)  # Friday 20 November 2026
    anyborough.run("/minutes", "hwb 20 November 2026", "U0SCBCHAIR")
    opened = anyborough.session.exec(
        select(DutyOccurrence)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(Duty.key == "scb-response-to-hwb-minutes")
    ).one()
    assert opened.period_key.startswith("triggered:by:") and opened.opens == date(2026, 11, 23)
