"""/meetings lists, adds, moves and cancels board meetings, read and shown in London time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, func, select

from storage.errors import BoardbotError
from storage.models import AuditEntry, Board, Meeting
from tests.commands.conftest import OUTSIDER, BoundPartnership


def counts(bound: BoundPartnership) -> tuple[int, int]:
    meetings = bound.session.exec(select(func.count()).select_from(Meeting)).one()
    return meetings, bound.session.exec(select(func.count()).select_from(AuditEntry)).one()


def meetings(bound: BoundPartnership) -> list[Meeting]:
    return list(bound.session.exec(select(Meeting).order_by(col(Meeting.id))))


def audit_entries(bound: BoundPartnership) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.entity == "meeting")
    return list(bound.session.exec(query.order_by(col(AuditEntry.id))))


def add(bound: BoundPartnership, text: str, user: str = "U0HWBBM") -> Meeting:
    bound.run("/meetings", f"add {text}", user)
    return meetings(bound)[-1]


def test_it_adds_a_meeting_and_echoes_the_london_time_it_understood(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/meetings", "add HWB 3 March at 10:00; Council Chamber", "U0HWBBM")
    (meeting,) = meetings(bound)
    assert meeting.starts_at == datetime(2027, 3, 3, 10, 0, tzinfo=UTC)
    assert (meeting.venue, meeting.status, meeting.created_by) == (
        "Council Chamber", "scheduled", "U0HWBBM",
    )  # fmt: skip
    hwb = bound.session.exec(select(Board).where(Board.key == "hwb")).one()
    assert meeting.board_id == hwb.id
    assert reply.message.text == (
        f"HWB meeting #{meeting.id} added by @U0HWBBM: "
        "Wednesday 3 March 2027, 10:00, Council Chamber."
    )
    assert not reply.ephemeral
    (entry,) = audit_entries(bound)
    assert (entry.action, entry.actor, entry.entity_id) == ("meeting.added", "U0HWBBM", meeting.id)
    assert entry.after and entry.after["starts_at"] == "2027-03-03T10:00:00+00:00"


def test_a_meeting_after_the_clocks_change_is_stored_an_hour_earlier_in_utc(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/meetings", "add #C0HWB 29 March 2027 at 10:00", "U0HWBSEC")
    (meeting,) = meetings(bound)
    assert meeting.starts_at == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert "Monday 29 March 2027, 10:00." in reply.message.text
    assert meeting.venue == ""


def test_it_lists_the_coming_year_of_meetings_for_one_board_or_all(bound: BoundPartnership) -> None:
    hwb = add(bound, "hwb 3 March at 10:00; Council Chamber")
    sab = add(bound, "lrsab 1 December at 14:00", "U0SABBM")
    add(bound, "hwb 1 December 2027 at 10:00")  # more than 12 months ahead
    everything = str(bound.run("/meetings", "", OUTSIDER).message.blocks)
    assert f"#{hwb.id}" in everything and f"#{sab.id}" in everything
    assert "Wednesday 3 March 2027, 10:00 · Council Chamber" in everything
    assert everything.index("Tuesday 1 December 2026") < everything.index("3 March 2027")
    assert "1 December 2027" not in everything
    just_hwb = bound.run("/meetings", "HWB", OUTSIDER)
    assert f"#{sab.id}" not in str(just_hwb.message.blocks)
    assert just_hwb.ephemeral and just_hwb.message.text == "1 meeting of HWB in the next 12 months"


def test_it_says_when_a_board_has_no_meetings_set(bound: BoundPartnership) -> None:
    reply = bound.run("/meetings", "lrlscb", OUTSIDER)
    assert "No meetings of LRLSCB are set for the next 12 months" in reply.message.text


def test_it_moves_a_meeting_and_audits_the_old_and_new_times(bound: BoundPartnership) -> None:
    meeting = add(bound, "hwb 3 March at 10:00; Council Chamber")
    reply = bound.run("/meetings", f"move #{meeting.id} first Monday of March at 14:00", "U0HWBSEC")
    assert meeting.starts_at == datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
    assert reply.message.text == (
        f"HWB meeting #{meeting.id} moved by @U0HWBSEC: "
        "Monday 1 March 2027, 14:00, Council Chamber."
    )
    entry = audit_entries(bound)[-1]
    assert entry.action == "meeting.moved"
    assert entry.before == {"starts_at": "2027-03-03T10:00:00+00:00"}
    assert entry.after == {"starts_at": "2027-03-01T14:00:00+00:00"}


def test_it_cancels_a_meeting_once_and_drops_it_from_the_list(bound: BoundPartnership) -> None:
    meeting = add(bound, "hwb 3 March at 10:00")
    reply = bound.run("/meetings", f"cancel {meeting.id}", "U0HWBBM")
    assert meeting.status == "cancelled" and "cancelled" in reply.message.text
    assert audit_entries(bound)[-1].action == "meeting.cancelled"
    assert "No meetings of HWB" in bound.run("/meetings", "hwb", OUTSIDER).message.text
    with pytest.raises(BoardbotError, match="already cancelled"):
        bound.run("/meetings", f"cancel {meeting.id}", "U0HWBBM")
    with pytest.raises(BoardbotError, match="already cancelled"):
        bound.run("/meetings", f"move {meeting.id} 4 March at 10:00", "U0HWBBM")


def test_a_meeting_that_has_taken_place_cannot_be_moved_or_cancelled(
    bound: BoundPartnership,
) -> None:
    meeting = add(bound, "hwb tomorrow at 10:00")
    bound.now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    before = counts(bound)
    for text in (f"cancel {meeting.id}", f"move {meeting.id} 3 March at 10:00"):
        with pytest.raises(BoardbotError, match="has already taken place"):
            bound.run("/meetings", text, "U0HWBBM")
    assert counts(bound) == before


def test_a_board_cannot_meet_twice_at_the_same_instant(bound: BoundPartnership) -> None:
    first = add(bound, "hwb 3 March at 10:00")
    with pytest.raises(BoardbotError, match=f"HWB already meets then \\(#{first.id}\\)"):
        bound.run("/meetings", "add hwb 03/03/2027 10am", "U0HWBBM")
    second = add(bound, "hwb 4 March at 10:00")
    with pytest.raises(BoardbotError, match="already meets then"):
        bound.run("/meetings", f"move {second.id} 3 March at 10:00", "U0HWBBM")


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        ("add hwb 3 March at 10:00", "U0HWBCHAIR", "HWB's business manager or secretariat"),
        ("add hwb 3 March at 10:00", "U0LSCBBM", "to add HWB's meetings you need"),
        ("add hwb 3 March", "U0HWBBM", "a meeting needs a time"),
        ("add hwb end of November", "U0HWBBM", "is not a day"),
        ("add hwb next Tuesday 2pm", "U0HWBBM", "Tue 24 Nov or Tue 1 Dec"),
        ("add hwb yesterday at 10:00", "U0HWBBM", "is in the past"),
        ("add hwb blah blah", "U0HWBBM", "I can't read 'blah blah'"),
        ("add hwb", "U0HWBBM", "give the board and when it meets"),
        ("add", "U0HWBBM", "give the board and when it meets"),
        ("add nope 3 March at 10:00", "U0HWBBM", "no board called 'nope'"),
        ("add hwb 3 March at 10:00; " + "x" * 201, "U0HWBBM", "keep it under 200"),
        ("move 1", "U0HWBBM", "to move a meeting, give the meeting's id and when"),
        ("cancel", "U0HWBBM", "to cancel a meeting, give the meeting's id"),
        ("cancel twelve", "U0HWBBM", "'twelve' is not a meeting id"),
        ("cancel 999", "U0HWBBM", "there is no meeting #999"),
        ("hwb lrsab", "U0HWBBM", "is not a /meetings command"),
    ],
)
def test_a_refused_command_says_why_and_writes_nothing(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    before = counts(bound)
    with pytest.raises(BoardbotError, match=message):
        bound.run("/meetings", text, user)
    assert counts(bound) == before


def test_only_the_boards_business_manager_or_secretariat_may_change_a_meeting(
    bound: BoundPartnership,
) -> None:
    meeting = add(bound, "hwb 3 March at 10:00")
    before = counts(bound)
    for text in (f"cancel {meeting.id}", f"move {meeting.id} 4 March at 10:00"):
        with pytest.raises(BoardbotError, match="HWB's business manager or secretariat"):
            bound.run("/meetings", text, "U0LSCBSEC")
    assert counts(bound) == before and meeting.status == "scheduled"


def test_help_gives_the_usage(bound: BoundPartnership) -> None:
    reply = bound.run("/meetings", "help", OUTSIDER)
    assert "/meetings add BOARD WHEN [; VENUE]" in reply.message.text
    assert "03/04 is 3 April" in reply.message.text
