"""Replies: each command answers once, public replies say who acted and what changed, the people
who act at an escalation's stage are told, a board's channel names the board, lists share one
cap and one horizon, and the texts read as sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.render import render_message
from commands.home import home_blocks
from commands.lines import LIST_CAP, MEETINGS_AHEAD, answered_once, sentence
from commands.reply import Block, Mention, Message, lines
from schedules import ladders
from storage.errors import BoardbotError
from storage.models import Board, DutyOccurrence, Escalation, Ladder, Meeting
from tests.commands.conftest import BoundPartnership

CONCERN = "JSNA refresh omits the children's safeguarding priorities"


def words(blocks: list[Block]) -> str:
    return str(blocks)


def test_the_edge_shows_a_plain_person_token_as_a_mention_and_leaves_lookalikes() -> None:
    message = Message("Added by @U0HWBBM.", [lines("Added by @U0HWBBM; mail x@U0ABC, not @u0abc.")])
    rendered = render_message(message)
    assert rendered["text"] == "Added by <@U0HWBBM>."
    assert rendered["blocks"][0]["text"]["text"] == (
        "Added by <@U0HWBBM>; mail x@U0ABC, not @u0abc."
    )


def test_an_answer_is_public_where_a_post_would_go_and_never_said_twice() -> None:
    summary = Message("Done; posted in 2 board channels.")
    here, there = Message("For HWB.", channel="C0HWB"), Message("For LRLSCB.", channel="C0LSCB")
    in_hwb = answered_once(summary, [here, there], "C0HWB")
    assert (in_hwb.ephemeral, in_hwb.message.text, in_hwb.posts) == (False, "For HWB.", [there])
    elsewhere = answered_once(summary, [here, there], "C0ELSEWHERE")
    assert (elsewhere.ephemeral, elsewhere.message, elsewhere.posts) == (
        True,
        summary,
        [here, there],
    )


def test_free_text_ends_a_sentence_once() -> None:
    assert [sentence(t) for t in ("Agenda full", "Agenda full.", "Why?", " ")] == [
        "Agenda full.", "Agenda full.", "Why?", "",
    ]  # fmt: skip


def test_an_escalation_opened_in_its_boards_channel_is_answered_there_once(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/escalate", f"open lrlscb hwb {CONCERN}", "U0LSCBCHAIR", "C0LSCB")
    assert not reply.ephemeral
    assert reply.message.text.startswith("Escalation #1 raised with HWB by @U0LSCBCHAIR: ")
    assert [p.channel for p in reply.posts] == ["C0HWB", "U0HWBCHAIR"]
    assert reply.message.text not in [p.text for p in reply.posts]


def test_the_stage_reads_as_sentences() -> None:
    row = Escalation(stage=1, stage_deadline=date(2026, 12, 21))  # type: ignore[call-arg]
    ladder = Ladder(partnership_id=1, key="default", name="L", stages=ladders.DEFAULT_STAGES)
    assert ladders.stage_text(row, ladder) == (
        "Stage 1 of 1: Chairs meet to resolve the concern. "
        "Who acts: The chairs of both boards. Respond by 21 Dec 2026."
    )


@pytest.mark.parametrize(
    ("who_acts", "roles"),
    [
        ("Either board chair", ("chair",)),
        ("Business managers of both boards", ("business_manager",)),
        ("Board chairs and the Directors of Children's and Adults' Services", ("chair",)),
        ("The Director of Public Health", ("chair",)),  # no one boardbot knows: the chairs
        ("Chairs, with the secretariat", ("chair", "secretariat")),
    ],
)
def test_who_acts_names_the_roles_told_at_each_stage(who_acts: str, roles: tuple[str, ...]) -> None:
    row = Escalation(stage=1)  # type: ignore[call-arg]
    stage = {"name": "Stage", "who_acts": who_acts, "response_working_days": 5}
    ladder = Ladder(partnership_id=1, key="k", name="L", stages=[stage])
    assert ladders.acting_roles(row, ladder) == roles


def test_advancing_tells_each_person_who_acts_at_the_new_stage_but_not_the_actor(
    bound: BoundPartnership,
) -> None:
    bound.run("/escalate", f"open lrlscb hwb {CONCERN}", "U0LSCBCHAIR")
    ladder = bound.session.exec(select(Ladder)).one()
    ladder.stages = [*ladder.stages, {**ladder.stages[0], "who_acts": "Business managers"}]
    bound.session.commit()
    reply = bound.run("/escalate", "advance 1 no answer yet", "U0HWBCHAIR")
    dms = [p for p in reply.posts if p.channel and p.channel.startswith("U")]
    assert [p.channel for p in dms] == ["U0HWBBM", "U0LSCBBM"]
    assert "needs you, as HWB's business manager: @U0HWBCHAIR advanced it." in dms[0].text
    assert "Stage 2 of 2" in dms[0].text and "Note: no answer yet." in dms[0].text


def test_a_bare_listing_in_a_boards_channel_is_that_boards_and_all_is_everyones(
    bound: BoundPartnership,
) -> None:
    in_hwb = bound.run("/meetings", "", "U0HWBBM", "C0HWB")
    assert "of HWB" in in_hwb.message.text
    assert "of HWB" not in bound.run("/meetings", "all", "U0HWBBM", "C0HWB").message.text
    assert "for HWB" in bound.run("/escalate", "list", "U0HWBBM", "C0HWB").message.text
    assert "for HWB" in bound.run("/minutes", "list", "U0HWBBM", "C0HWB").message.text
    assert "for HWB" in bound.run("/agenda", "list", "U0HWBBM", "C0HWB").message.text
    assert "HWB" not in bound.run("/duties", "", "U0HWBBM", "C0ELSEWHERE").message.text


def test_the_home_tab_and_meetings_list_the_same_meetings_with_one_cap(
    bound: BoundPartnership,
) -> None:
    hwb = bound.session.exec(select(Board).where(Board.key == "hwb")).one()
    assert hwb.id is not None
    for week in range(1, LIST_CAP + 6):
        starts_at = bound.now + timedelta(weeks=week)
        bound.session.add(
            Meeting(
                board_id=hwb.id, starts_at=starts_at, created_by="U0HWBBM", changed_at=starts_at
            )
        )
    beyond = bound.now + MEETINGS_AHEAD + timedelta(days=7)
    bound.session.add(
        Meeting(board_id=hwb.id, starts_at=beyond, created_by="U0HWBBM", changed_at=bound.now)
    )
    bound.session.commit()
    listed = words(bound.run("/meetings", "hwb", "U0HWBBM").message.blocks)
    home = words(home_blocks(bound.invocation("U0HWBBM")))
    for shown in (listed, home):  # 25 within the year; the one beyond it is not counted
        assert "5 more not shown" in shown


def test_recording_a_duty_names_who_recorded_it(bound: BoundPartnership) -> None:
    bound.run("/duties", "lrlscb", "U0LSCBBM")
    row = bound.session.exec(
        select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
    ).first()
    assert row is not None
    reply = bound.run("/duties", f"done {row.id} https://example.org/ar.pdf", "U0LSCBBM")
    (public,) = [p for p in reply.posts if p.channel == "C0LSCB"]
    assert public.blocks[0].lines[0][:2] == (Mention("U0LSCBBM"), " marked done ")


def test_minutes_name_the_day_in_full_and_who_logged_them_and_are_said_once_per_channel(
    bound: BoundPartnership,
) -> None:
    held_on_18_november(bound)
    reply = bound.run("/minutes", "hwb 2026-11-18", "U0HWBBM", "C0LSCB")
    assert not reply.ephemeral
    assert "meeting on Wednesday 18 November 2026" in reply.message.text
    assert reply.message.text.endswith("by @U0HWBBM.")
    assert "C0LSCB" not in [p.channel for p in reply.posts]  # the answer is there already


def test_a_write_without_a_board_in_a_boards_channel_is_for_that_board(
    bound: BoundPartnership,
) -> None:
    added = bound.run("/meetings", "add 3 March at 10:00; Council Chamber", "U0HWBBM", "C0HWB")
    assert added.message.text.startswith("HWB meeting #1 added by @U0HWBBM: Wednesday 3 March")
    held_on_18_november(bound)
    logged = bound.run("/minutes", "2026-11-18", "U0HWBBM", "C0HWB")
    assert logged.message.text.startswith("HWB's minutes of its meeting on Wednesday 18 November")
    with pytest.raises(BoardbotError, match="no board called '3'"):
        bound.run("/meetings", "add 3 March at 11:00", "U0HWBBM", "C0ELSEWHERE")
    with pytest.raises(BoardbotError, match="no board called '2026-11-19'"):
        bound.run("/minutes", "2026-11-19", "U0HWBBM", "C0ELSEWHERE")


def held_on_18_november(bound: BoundPartnership) -> None:
    """An HWB meeting on Wednesday 18 November 2026, whose minutes may be logged."""
    hwb = bound.session.exec(select(Board).where(Board.key == "hwb")).one()
    assert hwb.id is not None
    held = datetime(2026, 11, 18, 10, tzinfo=UTC)
    bound.session.add(
        Meeting(board_id=hwb.id, starts_at=held, created_by="U0HWBBM", changed_at=held)
    )
    bound.session.commit()
