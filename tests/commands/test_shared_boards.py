"""A board shared by two partnerships: one channel and one set of people, set by either setup;
/duties there names each partnership, /boards says where a board belongs, and a board key that
two partnerships use is written PARTNERSHIP:KEY."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.setup_file import parse_setup
from commands.registry import command_handler
from storage.errors import BoardbotError
from storage.models import Board, Duty, DutyOccurrence, Membership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import people_of_board
from tests.commands.conftest import NOW, BoundPartnership, row_counts
from tests.commands.shared_boards import (
    CITY_SETUP,
    HACKNEY_SETUP,
    apply,
    bind_city_and_hackney,
)


@pytest.fixture
def shared(engine: Engine) -> Iterator[BoundPartnership]:
    with Session(engine, expire_on_commit=False) as session:
        bind_city_and_hackney(session, NOW)
        yield BoundPartnership(session)


def board(session: Session, partnership: str, key: str) -> Board:
    found = partnership_by_key(partnership, session=session)
    assert found and found.id
    row = board_by_key(found.id, key, session=session)
    assert row is not None
    return row


def people(session: Session, partnership: str, key: str) -> set[tuple[str, str]]:
    row = board(session, partnership, key)
    assert row.id is not None
    return {(p.slack_user_id, r) for p, r in people_of_board(row.id, session=session)}


def occurrence_of(session: Session, partnership: str) -> int:
    """The open occurrence of the partnership's CHSCB annual report."""
    owner = board(session, partnership, "chscb")
    query = (
        select(DutyOccurrence)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(Duty.partnership_id == owner.partnership_id, Duty.key == "annual-report")
        .where(DutyOccurrence.opens == date(2026, 9, 1))
    )
    row = session.exec(query).one()
    assert row.id is not None
    return row.id


# -- setup ---------------------------------------------------------------------------------------


def test_a_second_partnerships_board_in_the_same_channel_is_the_same_board(
    shared: BoundPartnership,
) -> None:
    session = shared.session
    city, hackney = board(session, "city", "chscb"), board(session, "hackney", "chscb")
    assert city.body_id == hackney.body_id and city.id != hackney.id
    assert board(session, "city", "chsab").body_id == board(session, "hackney", "sab").body_id
    assert board(session, "city", "chwb").body_id != board(session, "hackney", "hhwb").body_id
    # One set of people: both setups named the same two, so the board has two, not four.
    assert people(session, "hackney", "chscb") == {
        ("U0CHSCBCHAIR", "chair"),
        ("U0CHSCBBM", "business_manager"),
    }
    assert len(session.exec(select(Membership)).all()) == 6  # 1 + 1 + 2 + 2


def test_the_second_setup_says_which_board_it_now_shares(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        _, hackney = bind_city_and_hackney(session, NOW)
    assert "chscb: channel none -> C0CHSCB (one board with city:chscb)" in hackney.changes
    assert "sab: channel none -> C0CHSAB (one board with city:chsab)" in hackney.changes


def test_either_setup_sets_the_people_and_names_the_partnership_that_sees_it(
    shared: BoundPartnership,
) -> None:
    session = shared.session
    added = HACKNEY_SETUP.replace(
        "U0CHSCBBM: business_manager", "U0CHSCBBM: business_manager, U0NEWSEC: secretariat"
    )
    report = apply(session, added, NOW)
    assert report.changes == ["chscb: U0NEWSEC added as secretariat; also seen by city (chscb)"]
    assert ("U0NEWSEC", "secretariat") in people(session, "city", "chscb")
    again = apply(session, CITY_SETUP, NOW)
    assert again.changes == [
        "chscb: U0NEWSEC removed as secretariat (not in the file; also seen by hackney (chscb))"
    ]
    assert ("U0NEWSEC", "secretariat") not in people(session, "hackney", "chscb")


def test_boards_of_different_kinds_cannot_share_a_channel(shared: BoundPartnership) -> None:
    session = shared.session
    crossed = HACKNEY_SETUP.replace("channel: C0CHSCB", "channel: C0HCHILD")
    crossed = crossed.replace("channel: C0CHSAB", "channel: C0CHSCB")
    before = row_counts(session)
    with pytest.raises(BoardbotError) as refused:
        apply(session, crossed, NOW)
    assert refused.value.message == (
        "boards.sab.channel: C0CHSCB is city:chscb's channel, a safeguarding children board; "
        "sab is a safeguarding adults board, so they cannot be one board. Give sab a channel "
        "of its own, or check the two protocols' kinds"
    )
    session.rollback()
    assert row_counts(session) == before
    assert board(session, "hackney", "sab").channel_id == "C0CHSAB"


def test_two_boards_of_one_partnership_still_cannot_share_a_channel(
    shared: BoundPartnership,
) -> None:
    session = shared.session
    crossed = CITY_SETUP.replace("chsab: {channel: C0CHSAB", "chsab: {channel: C0HHWB")
    crossed = crossed.replace("chwb: {channel: C0CHWB", "chwb: {channel: C0HHWB")
    with pytest.raises(Exception, match="each board needs its own"):
        parse_setup(crossed, "setup.yaml", session=session)


def test_a_board_that_moves_to_a_channel_of_its_own_leaves_the_shared_board(
    shared: BoundPartnership,
) -> None:
    session = shared.session
    report = apply(session, HACKNEY_SETUP.replace("channel: C0CHSCB", "channel: C0HCHILD"), NOW)
    assert "chscb: channel C0CHSCB -> C0HCHILD; no longer one board with city:chscb" in (
        report.changes
    )
    assert board(session, "city", "chscb").channel_id == "C0CHSCB"
    assert board(session, "city", "chscb").body_id != board(session, "hackney", "chscb").body_id


# -- commands ------------------------------------------------------------------------------------


def test_duties_in_a_shared_channel_lists_every_partnerships_naming_each(
    shared: BoundPartnership,
) -> None:
    reply = shared.run("/duties", "", "U0CHSCBBM", channel="C0CHSCB")
    text = str(reply.message.blocks)
    assert "city · " in text and "hackney · " in text
    assert "CHSCB annual report to the City HWB" in text
    assert "CHSCB annual report to the Hackney HWB" in text
    assert "CHSAB" not in text  # what this board owes, not the other shared board


def test_duties_elsewhere_names_no_partnership(shared: BoundPartnership) -> None:
    text = str(shared.run("/duties", "all", "U0CHWBBM", channel="C0CHWB").message.blocks)
    assert "City HWB" in text and "Hackney HWB" not in text and "city · " not in text


def test_a_duty_of_either_partnership_is_marked_done_in_the_shared_channel(
    shared: BoundPartnership,
) -> None:
    for partnership in ("hackney", "city"):
        occ = occurrence_of(shared.session, partnership)
        done = f"done {occ} https://example.org/report.pdf"
        reply = shared.run("/duties", done, "U0CHSCBBM", channel="C0CHSCB")
        assert "is done" in reply.message.text


def test_boards_shows_the_partnerships_a_board_belongs_to(shared: BoundPartnership) -> None:
    text = str(shared.run("/boards", "", "U0CHWBBM", channel="C0CHWB").message.blocks)
    assert "also in hackney (as CHSCB)" in text and "also in hackney (as SAB)" in text
    here = shared.run("/boards", "", "U0CHSCBBM", channel="C0CHSCB")
    assert "City of London partnership" in str(here.message.blocks)
    assert "Hackney partnership" in str(here.message.blocks)
    assert "also in city (as CHSAB)" in str(here.message.blocks)


def test_a_key_two_of_your_partnerships_use_is_refused_with_the_forms_to_write(
    shared: BoundPartnership,
) -> None:
    with pytest.raises(BoardbotError) as refused:
        shared.run("/duties", "chscb", "U0CHSCBBM", channel="C0ELSEWHERE")
    assert "write one of city:chscb, hackney:chscb" in refused.value.message


def test_partnership_colon_key_is_always_accepted(shared: BoundPartnership) -> None:
    text = str(shared.run("/duties", "hackney:chscb", "U0CHSCBBM", "C0ELSEWHERE").message.blocks)
    assert "Hackney HWB" in text and "City HWB" not in text
    text = str(shared.run("/duties", "City:CHSCB", "U0HHWBBM", channel="C0HHWB").message.blocks)
    assert "City HWB" in text and "Hackney HWB" not in text


def test_a_board_key_works_in_any_channel_of_either_partnership(shared: BoundPartnership) -> None:
    # sab is Hackney's key; the command is typed in City's HWB channel by a shared board's member.
    text = str(shared.run("/duties", "sab", "U0CHSABBM", channel="C0CHWB").message.blocks)
    assert "SAB annual report to the Hackney HWB" in text


def test_boards_link_refuses_to_move_a_shared_boards_channel(shared: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="one board with hackney:chscb"):
        shared.run("/boards", "link chscb #C0NEW", "U0CHSCBBM", channel="C0CHWB")


@pytest.mark.parametrize("years_on", [0, 2])
def test_reading_a_shared_boards_channel_writes_nothing(
    shared: BoundPartnership, years_on: int
) -> None:
    later = shared.now + timedelta(days=365 * years_on)
    before = row_counts(shared.session)
    for command, text in (("/duties", ""), ("/boards", ""), ("/duties", "hackney:chscb")):
        command_handler(command)(shared.invocation("U0CHSCBBM", "C0CHSCB", now=later), text)
    assert row_counts(shared.session) == before
    assert not (shared.session.new or shared.session.dirty or shared.session.deleted)


def test_a_command_in_a_shared_channel_that_names_no_board_asks_for_one(
    shared: BoundPartnership,
) -> None:
    with pytest.raises(BoardbotError) as refused:
        shared.run("/meetings", "", "U0CHSCBBM", channel="C0CHSCB")
    assert refused.value.message == (
        "this channel's board belongs to several partnerships; name the board with its "
        "partnership, city:chscb or hackney:chscb"
    )
    listed = shared.run("/meetings", "hackney:chscb", "U0CHSCBBM", channel="C0CHSCB")
    assert "CHSCB" in listed.message.text
