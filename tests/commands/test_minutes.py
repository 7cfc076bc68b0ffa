"""/minutes logs a board's minutes as shared with its counterparts, and lists what was shared."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import col, select

from commands.reply import Link
from schedules import calendar
from schedules.occurrences import make_after_meeting
from schedules.prompts.base import occurrence_subject
from storage.errors import BoardbotError
from storage.models import (
    AuditEntry,
    Board,
    Duty,
    DutyOccurrence,
    Meeting,
    MinuteShare,
    OutboxPrompt,
)
from storage.queries.partnerships import partnership_by_key
from storage.status import MeetingStatus, PromptStatus
from tests.commands.conftest import BoundPartnership

MINUTES = "https://example.org/hwb-minutes.pdf"


def board(bound: BoundPartnership, key: str) -> Board:
    found = bound.session.exec(select(Board).where(Board.key == key)).one()
    return found


def add_meeting(bound: BoundPartnership, key: str, starts_at: datetime) -> Meeting:
    meeting = Meeting(
        board_id=board(bound, key).id or 0, starts_at=starts_at, venue="Council offices"
    )
    bound.session.add(meeting)
    bound.session.commit()
    return meeting


def met(bound: BoundPartnership, key: str, day: date) -> Meeting:
    """The board's meeting that day, at 10:00 in London."""
    return add_meeting(bound, key, calendar.at_local_time(day, time(10)))


def add_minutes_duty(bound: BoundPartnership) -> Duty:
    """The protocol duty to share the HWB's minutes with the children's board after each meeting."""
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    duty = Duty(
        partnership_id=partnership.id,
        key="hwb-minutes-shared",
        title="HWB minutes shared with the LRLSCB",
        owners=["hwb"],
        counterparts=["lrlscb"],
        evidence="Minutes of each HWB meeting circulated",
        schedule={"after_meetings": {"of": ["hwb"], "within_working_days": 10}},
    )
    bound.session.add(duty)
    bound.session.commit()
    return duty


def shares(bound: BoundPartnership) -> list[MinuteShare]:
    return list(bound.session.exec(select(MinuteShare).order_by(col(MinuteShare.id))))


def actions(bound: BoundPartnership) -> list[str]:
    """The audit trail after the protocol was loaded."""
    query = select(AuditEntry).where(AuditEntry.action != "protocol.load")
    return [e.action for e in bound.session.exec(query.order_by(col(AuditEntry.id)))]


def test_it_shares_with_every_other_board_when_the_protocol_names_no_counterparts(
    bound: BoundPartnership,
) -> None:
    meeting = met(bound, "hwb", date(2026, 11, 19))
    reply = bound.run("/minutes", f"hwb 19 November 2026 {MINUTES}", "U0HWBBM")
    (share,) = shares(bound)
    assert share.meeting_on == date(2026, 11, 19) and share.link == MINUTES
    assert share.shared_with == ["lrlscb", "lrsab"] and share.logged_by == "U0HWBBM"
    assert share.meeting_id == meeting.id
    assert not reply.ephemeral
    assert "shared with LRLSCB, LRSAB" in reply.message.text
    assert [p.channel for p in reply.posts] == ["C0LSCB", "C0SAB"]
    assert "are available" in reply.posts[0].text
    assert Link(MINUTES, "Minutes") in reply.posts[0].blocks[0].lines[0]
    assert actions(bound) == ["minutes.shared"]


def test_it_shares_with_the_duty_counterparts_and_marks_the_meeting_duty_done(
    bound: BoundPartnership,
) -> None:
    add_minutes_duty(bound)
    meeting = add_meeting(bound, "hwb", datetime(2026, 11, 19, 14, 0, tzinfo=UTC))
    reply = bound.run("/minutes", f"HWB 19/11/2026 {MINUTES}", "U0HWBSEC")
    (share,) = shares(bound)
    assert share.shared_with == ["lrlscb"] and share.meeting_id == meeting.id
    assert share.link == MINUTES
    assert [p.channel for p in reply.posts] == ["C0LSCB"]
    occurrence = bound.session.exec(
        select(DutyOccurrence).where(DutyOccurrence.period_key == f"meeting:{meeting.id}")
    ).one()
    assert occurrence.status == "done" and occurrence.evidence_link == MINUTES
    assert occurrence.completed_by == "U0HWBSEC"
    assert f"Duty #{occurrence.id}" in str(reply.message.blocks)
    assert actions(bound) == ["minutes.shared", "duty.done"]
    done = bound.session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert done.before == {"status": "pending"} and done.entity_id == occurrence.id


def test_it_finds_the_meeting_by_its_london_date_in_summer(bound: BoundPartnership) -> None:
    late = add_meeting(bound, "lrsab", datetime(2026, 6, 10, 23, 30, tzinfo=UTC))
    bound.run("/minutes", "lrsab 11 June 2026", "U0SABBM")
    (share,) = shares(bound)
    assert share.meeting_on == date(2026, 6, 11) and share.meeting_id == late.id


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2026-11-19", date(2026, 11, 19)),
        ("19 November 2026", date(2026, 11, 19)),
        ("19 Nov", date(2026, 11, 19)),
        ("3 Mar", date(2026, 3, 3)),
        ("3rd Sept 2026", date(2026, 9, 3)),
        ("4 Dec", date(2025, 12, 4)),
        ("04/03/2026", date(2026, 3, 4)),
        ("today", date(2026, 11, 23)),
        ("Yesterday", date(2026, 11, 22)),
        ("23 Nov 2016", date(2016, 11, 23)),  # ten years back is the furthest
    ],
)
def test_it_reads_the_meeting_date_day_first(
    bound: BoundPartnership, written: str, meant: date
) -> None:
    met(bound, "lrlscb", meant)
    bound.run("/minutes", f"lrlscb {written}", "U0LSCBBM")
    (share,) = shares(bound)
    assert share.meeting_on == meant and share.link is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hwb 24 Nov 2026", "24 Nov 2026 is in the future"),
        ("hwb 01/01/0001", "'01/01/0001' is more than ten years ago; .* since 23 Nov 2016"),
        ("hwb 0001-01-01", "'0001-01-01' is more than ten years ago"),
        ("hwb 22 Nov 2016", "'22 Nov 2016' is more than ten years ago"),
        ("hwb tomorrow", "'tomorrow' is not a date I can read; write it day first, e.g. 3 March"),
        ("hwb 12/25/2026", "'12/25/2026' is not a date I can read"),
        ("hwb 31/02/2026", "'31/02/2026' is not a date I can read"),
        ("hwb 3 Smarch", "'3 Smarch' is not a date I can read"),
        ("hwb", "give the board and the date of its meeting"),
        (f"hwb {MINUTES}", "give the date of the meeting"),
        ("nope 3 Mar", "no board called 'nope'"),
        ("list hwb lrsab", "is not a /minutes command"),
    ],
)
def test_it_explains_a_malformed_command_and_writes_nothing(
    bound: BoundPartnership, text: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message) as refused:
        bound.run("/minutes", text, "U0HWBBM")
    assert refused.value.usage and "/minutes BOARD DATE [LINK]" in refused.value.usage
    assert shares(bound) == [] and actions(bound) == []


def test_it_refuses_minutes_from_the_chair_naming_the_roles_that_may(
    bound: BoundPartnership,
) -> None:
    add_minutes_duty(bound)
    add_meeting(bound, "hwb", datetime(2026, 11, 19, 14, 0, tzinfo=UTC))
    before = len(bound.session.exec(select(DutyOccurrence)).all())
    with pytest.raises(BoardbotError, match="HWB's business manager or secretariat"):
        bound.run("/minutes", "hwb 19 Nov", "U0HWBCHAIR")
    assert shares(bound) == [] and actions(bound) == []
    assert len(bound.session.exec(select(DutyOccurrence)).all()) == before


def test_it_refuses_the_same_board_and_date_twice(bound: BoundPartnership) -> None:
    met(bound, "hwb", date(2026, 11, 19))
    bound.run("/minutes", "hwb 19 Nov 2026", "U0HWBBM")
    with pytest.raises(BoardbotError, match="minutes of 19 Nov 2026 were already logged on 23 Nov"):
        bound.run("/minutes", f"hwb 2026-11-19 {MINUTES}", "U0HWBSEC")
    assert len(shares(bound)) == 1 and actions(bound) == ["minutes.shared"]


def test_it_says_which_counterparts_have_no_channel_to_post_to(bound: BoundPartnership) -> None:
    board(bound, "lrsab").channel_id = None
    bound.session.commit()
    met(bound, "hwb", date(2026, 11, 22))
    reply = bound.run("/minutes", "hwb yesterday", "U0HWBBM")
    assert [p.channel for p in reply.posts] == ["C0LSCB"]
    assert "Not posted to LRSAB: no channel" in str(reply.message.blocks)


def test_it_lists_recent_shares_newest_first_and_at_most_twenty(bound: BoundPartnership) -> None:
    for day in range(1, 23):
        met(bound, "lrlscb", date(2026, 11, day))
        bound.run("/minutes", f"lrlscb {day} Nov", "U0LSCBSEC")
    met(bound, "hwb", date(2026, 11, 20))
    bound.run("/minutes", "hwb 20 Nov", "U0HWBBM")
    everything = bound.run("/minutes", "list", "U0OUTSIDER")
    listed = everything.message.blocks[0].lines[1:]
    assert len(listed) == 20 and everything.ephemeral
    assert "HWB" in str(listed[0]) and "22 Nov 2026" in str(listed[1])
    narrowed = bound.run("/minutes", "list hwb", "U0OUTSIDER")
    assert len(narrowed.message.blocks[0].lines) == 2
    assert "→ LRLSCB, LRSAB" in str(narrowed.message.blocks)


def test_it_says_when_no_minutes_are_logged(bound: BoundPartnership) -> None:
    reply = bound.run("/minutes", "list lrsab", "U0OUTSIDER")
    assert reply.message.text == "No minutes are logged as shared for LRSAB yet."


def test_it_answers_help_with_its_usage(bound: BoundPartnership) -> None:
    reply = bound.run("/minutes", "help", "U0OUTSIDER")
    assert "/minutes list [BOARD]" in reply.message.text


def test_it_refuses_minutes_for_a_day_without_a_meeting_and_lists_the_recent_ones(
    bound: BoundPartnership,
) -> None:
    met(bound, "hwb", date(2026, 11, 4))
    met(bound, "hwb", date(2026, 10, 7))
    cancelled = met(bound, "hwb", date(2026, 11, 22))
    cancelled.status = MeetingStatus.CANCELLED
    bound.session.commit()
    met(bound, "lrlscb", date(2026, 11, 22))  # another board's meeting that day does not count
    with pytest.raises(BoardbotError) as refused:
        bound.run("/minutes", "hwb yesterday", "U0HWBBM")
    said = refused.value.message
    assert "HWB has no meeting recorded on 22 Nov 2026" in said
    assert "Its recent meetings: 4 Nov 2026; 7 Oct 2026." in said
    assert "`/meetings add hwb 22 Nov 2026 at 10:00`" in said
    assert shares(bound) == [] and actions(bound) == []
    with pytest.raises(BoardbotError, match="It has no recent meetings recorded"):
        bound.run("/minutes", "lrsab yesterday", "U0SABBM")


def test_minutes_shared_after_the_protocols_limit_are_marked_late(
    bound: BoundPartnership,
) -> None:
    add_minutes_duty(bound)  # within 10 working days
    met(bound, "hwb", date(2026, 11, 2))  # due by 16 Nov; logged on 23 Nov
    met(bound, "hwb", date(2026, 11, 19))
    late = bound.run("/minutes", "hwb 2 Nov", "U0HWBBM")
    assert "Late: the protocol asks for them by 16 Nov 2026" in str(late.message.blocks)
    on_time = bound.run("/minutes", "hwb 19 Nov", "U0HWBBM")
    assert "Late" not in str(on_time.message.blocks)
    query = select(AuditEntry).where(AuditEntry.action == "minutes.shared")
    marks = [
        (e.after or {}).get("late") for e in bound.session.exec(query.order_by(col(AuditEntry.id)))
    ]
    assert marks == [True, False]
    listed = str(bound.run("/minutes", "list hwb", "U0OUTSIDER").message.blocks)
    assert listed.count("(late)") == 1


def test_the_prompts_that_asked_for_the_minutes_are_updated(bound: BoundPartnership) -> None:
    duty = add_minutes_duty(bound)
    meeting = met(bound, "hwb", date(2026, 11, 19))
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None
    make_after_meeting(partnership, meeting, bound.now, session=bound.session)
    owed = bound.session.exec(
        select(DutyOccurrence).where(DutyOccurrence.period_key == f"meeting:{meeting.id}")
    ).one()
    bound.session.add(
        OutboxPrompt(
            key="minutes_nudge|x",
            partnership_id=duty.partnership_id,
            kind="minutes_nudge",
            subject=occurrence_subject(duty.key, owed.period_key),
            due_on=date(2026, 11, 20),
            recipient="U0HWBBM",
            recipient_label="business_manager:hwb",
            payload={"title": duty.title, "text": "Share the minutes."},
            status=PromptStatus.SENT,
            next_attempt_at=bound.now,
            created_at=bound.now,
            slack_channel="D0HWBBM",
            slack_ts="1764000000.000100",
        )
    )
    bound.session.commit()
    reply = bound.run("/minutes", f"hwb 19 Nov {MINUTES}", "U0HWBSEC")
    [update] = [p for p in reply.posts if p.update_ts]
    assert (update.channel, update.update_ts) == ("D0HWBBM", "1764000000.000100")
    assert "Done by" in str(update.blocks) and MINUTES in str(update.blocks)
