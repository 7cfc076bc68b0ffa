"""/agenda: one board asks another for an agenda item, which accepts it or declines it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select, update

from commands.agenda import ACTIONS, VIEWS, remember_post
from commands.agenda_answers import decide, request_arg
from commands.reply import Button, FieldError, Mention, Reply
from storage.errors import BoardbotError
from storage.models import AgendaRequest, AuditEntry, Board, Meeting
from tests.commands.conftest import OUTSIDER, BoundPartnership
from tests.logcheck import private

ITEM = private("Neglect strategy: progress and shared priorities")
FIRST = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
SECOND = datetime(2027, 1, 14, 14, 0, tzinfo=UTC)


def board(bound: BoundPartnership, key: str) -> Board:
    return bound.session.exec(select(Board).where(Board.key == key)).one()


def add_meeting(
    bound: BoundPartnership, key: str, starts_at: datetime, status: str = "scheduled"
) -> int:
    meeting = Meeting(board_id=board(bound, key).id or 0, starts_at=starts_at, status=status)
    bound.session.add(meeting)
    bound.session.commit()
    assert meeting.id is not None
    return meeting.id


def ask(bound: BoundPartnership, user: str = "U0LSCBBM", *, posted: bool = True) -> AgendaRequest:
    """LRLSCB asks the HWB for an item; the edge remembers where the request was posted."""
    reply = bound.run("/agenda", f"request lrlscb hwb {ITEM}", user)
    request = bound.session.exec(select(AgendaRequest)).one()
    if posted:
        remember_post(bound.session, request.id or 0, "C0HWB", "1764000000.000100")
        bound.session.commit()
    assert f"#{request.id}" in reply.message.text
    return request


def act(bound: BoundPartnership, handler: Callable[..., Reply], user: str, *args: object) -> Reply:
    """Call a button or modal handler as one transaction, as the Slack edge does."""
    try:
        reply = handler(bound.invocation(user, channel="C0HWB"), *args)
        bound.session.commit()
    except BaseException:
        bound.session.rollback()
        raise
    return reply


def audit_actions(bound: BoundPartnership) -> list[str]:
    query = select(AuditEntry).where(AuditEntry.action != "protocol.load")
    return [e.action for e in bound.session.exec(query.order_by(col(AuditEntry.id)))]


def test_a_business_manager_asks_another_board_for_an_agenda_item(bound: BoundPartnership) -> None:
    reply = bound.run("/agenda", f"request LRLSCB #C0HWB {ITEM}", "U0LSCBBM")
    request = bound.session.exec(select(AgendaRequest)).one()
    assert request.status == "open" and request.text == ITEM
    assert request.requested_by == "U0LSCBBM"
    assert reply.ephemeral and f"Agenda request #{request.id} sent to HWB" in reply.message.text
    (post,) = reply.posts
    assert post.channel == "C0HWB"
    assert post.metadata == {"event_type": "agenda_request", "event_payload": {"id": request.id}}
    assert post.blocks[-1].buttons == (
        Button("Accept", "agenda_accept", str(request.id), "primary"),
        Button("Decline", "agenda_decline", str(request.id)),
    )
    (entry,) = bound.session.exec(
        select(AuditEntry).where(AuditEntry.action == "agenda.requested")
    ).all()
    assert entry.entity_id == request.id and entry.after["to"] == "hwb"  # type: ignore[index]


def test_any_chair_may_ask_for_an_agenda_item(bound: BoundPartnership) -> None:
    request = ask(bound, "U0LSCBCHAIR")
    assert request.requested_by == "U0LSCBCHAIR"


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        (f"request lrlscb lrlscb {ITEM}", "U0LSCBBM", "a board cannot ask itself"),
        (
            f"request lrlscb hwb {ITEM}",
            OUTSIDER,
            "LRLSCB's chair or business manager or secretariat",
        ),
        (f"request lrlscb hwb {ITEM}", "U0HWBBM", "to ask for an agenda item you need to be"),
        ("request lrlscb hwb", "U0LSCBBM", "give the asking board, the board asked and the item"),
        (f"request lrlscb nope {ITEM}", "U0LSCBBM", "no board called 'nope'"),
        (f"request lrlscb hwb {'x' * 301}", "U0LSCBBM", "keep it under 300"),
        ("list hwb lrsab", "U0LSCBBM", "is not an /agenda command"),
    ],
)
def test_it_refuses_a_bad_request_and_writes_nothing(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message):
        bound.run("/agenda", text, user)
    assert bound.session.exec(select(AgendaRequest)).first() is None
    assert audit_actions(bound) == []


def test_it_suggests_linking_a_channel_when_the_board_asked_has_none(
    bound: BoundPartnership,
) -> None:
    board(bound, "hwb").channel_id = None
    bound.session.commit()
    with pytest.raises(BoardbotError, match=r"HWB has no channel.*`/boards link hwb #channel`"):
        bound.run("/agenda", f"request lrlscb hwb {ITEM}", "U0LSCBBM")
    assert bound.session.exec(select(AgendaRequest)).first() is None


def test_accepting_puts_the_item_on_the_next_meeting_and_tells_the_requester(
    bound: BoundPartnership,
) -> None:
    meeting_id = add_meeting(bound, "hwb", FIRST)
    add_meeting(bound, "hwb", datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # already held
    add_meeting(bound, "hwb", SECOND, status="cancelled")
    request = ask(bound)
    reply = act(bound, ACTIONS["agenda_accept"], "U0HWBCHAIR", "agenda_accept", str(request.id))
    assert request.status == "accepted" and request.meeting_id == meeting_id
    assert request.decided_by == "U0HWBCHAIR"
    assert "accepted for the meeting on 3 Dec 2026 at 14:00" in reply.message.text
    update, dm = reply.posts
    assert (update.channel, update.update_ts) == ("C0HWB", "1764000000.000100")
    assert not [b for b in update.blocks if b.buttons]
    assert update.blocks[-1].lines[0] == (
        "Accepted by ",
        Mention("U0HWBCHAIR"),
        " for the meeting on 3 Dec 2026 at 14:00.",
    )
    assert dm.channel == "U0LSCBBM" and "is accepted" in dm.text
    assert audit_actions(bound) == ["agenda.requested", "agenda.accepted"]


def test_accepting_with_several_meetings_asks_which_one(bound: BoundPartnership) -> None:
    first, second = add_meeting(bound, "hwb", FIRST), add_meeting(bound, "hwb", SECOND)
    request = ask(bound)
    reply = act(bound, ACTIONS["agenda_accept"], "U0HWBSEC", "agenda_accept", str(request.id))
    assert reply.modal and reply.modal.callback_id == "agenda_accept_meeting"
    assert reply.modal.private_metadata == str(request.id)
    (choice,) = reply.modal.inputs
    assert [value for value, _ in choice.options] == [str(first), str(second)]
    assert choice.initial == "" and request.status == "open"  # the placeholder shows
    with pytest.raises(FieldError) as empty:
        act(bound, VIEWS["agenda_accept_meeting"], "U0HWBSEC", {"meeting": ""}, str(request.id))
    assert empty.value.block_id == "meeting" and request.status == "open"
    with pytest.raises(FieldError) as wrong:
        act(
            bound,
            VIEWS["agenda_accept_meeting"],
            "U0HWBSEC",
            {"meeting": "999"},
            str(request.id),
        )
    assert wrong.value.block_id == "meeting"
    act(
        bound,
        VIEWS["agenda_accept_meeting"],
        "U0HWBSEC",
        {"meeting": str(second)},
        str(request.id),
    )
    assert request.status == "accepted" and request.meeting_id == second


def test_accepting_with_no_meeting_says_it_will_need_one(bound: BoundPartnership) -> None:
    request = ask(bound)
    reply = act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", str(request.id))
    assert request.status == "accepted" and request.meeting_id is None
    assert "HWB has no meeting scheduled, so it will need one" in reply.message.text
    listed = bound.run("/agenda", "hwb", OUTSIDER)
    assert "Accepted, waiting for a meeting: #" in str(listed.message.blocks)


def test_only_the_board_asked_may_answer(bound: BoundPartnership) -> None:
    request = ask(bound)
    with pytest.raises(BoardbotError, match="HWB's chair or business manager or secretariat"):
        act(bound, ACTIONS["agenda_accept"], "U0LSCBCHAIR", "agenda_accept", str(request.id))
    with pytest.raises(BoardbotError, match="to answer agenda requests you need to be HWB's"):
        act(bound, ACTIONS["agenda_decline"], OUTSIDER, "agenda_decline", str(request.id))
    assert request.status == "open" and audit_actions(bound) == ["agenda.requested"]


def test_declining_asks_for_a_reason_and_tells_the_requester(bound: BoundPartnership) -> None:
    request = ask(bound)
    reply = act(bound, ACTIONS["agenda_decline"], "U0HWBBM", "agenda_decline", str(request.id))
    assert reply.modal and reply.modal.callback_id == "agenda_decline_reason"
    assert [i.kind for i in reply.modal.inputs] == ["long_text"]
    assert reply.modal.private_metadata == str(request.id) and request.status == "open"
    with pytest.raises(FieldError) as empty:
        act(bound, VIEWS["agenda_decline_reason"], "U0HWBBM", {"reason": " "}, str(request.id))
    assert empty.value.block_id == "reason" and request.status == "open"
    reason = {"reason": private("Already on the joint development session in January")}
    done = act(bound, VIEWS["agenda_decline_reason"], "U0HWBBM", reason, str(request.id))
    assert request.status == "declined" and request.reason == reason["reason"]
    update, dm = done.posts
    assert update.update_ts and update.blocks[-1].lines[0] == (
        "Declined by ",
        Mention("U0HWBBM"),
        ". Reason: Already on the joint development session in January.",
    )
    assert dm.channel == "U0LSCBBM"
    assert audit_actions(bound) == ["agenda.requested", "agenda.declined"]


def test_a_request_already_answered_is_refused_with_its_outcome(bound: BoundPartnership) -> None:
    add_meeting(bound, "hwb", FIRST)
    request = ask(bound)
    act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", str(request.id))
    with pytest.raises(BoardbotError, match="already accepted for the meeting on 3 Dec 2026"):
        act(bound, ACTIONS["agenda_decline"], "U0HWBSEC", "agenda_decline", str(request.id))
    with pytest.raises(BoardbotError, match="there is no agenda request #999"):
        act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", "999")


def test_an_answer_without_a_remembered_message_only_tells_the_requester(
    bound: BoundPartnership,
) -> None:
    request = ask(bound, posted=False)
    reply = act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", str(request.id))
    assert [p.channel for p in reply.posts] == ["U0LSCBBM"]


def test_it_lists_open_and_recent_requests_to_or_from_a_board(bound: BoundPartnership) -> None:
    ask(bound)
    bound.run("/agenda", "request hwb lrsab Joint strategic needs assessment refresh", "U0HWBBM")
    everything = bound.run("/agenda", "list", OUTSIDER)
    assert everything.message.text == f"2 agenda requests for {partnership_name(bound)}"
    from_lrlscb = bound.run("/agenda", "list lrlscb", OUTSIDER)
    (line,) = from_lrlscb.message.blocks[0].lines[1:]
    assert "LRLSCB → HWB" in str(line) and "open since 23 Nov 2026" in str(line)
    assert bound.run("/agenda", "list", OUTSIDER).ephemeral


def partnership_name(bound: BoundPartnership) -> str:
    return bound.invocation(OUTSIDER).partnership.name


def test_it_shows_a_boards_next_meeting_and_its_accepted_items(bound: BoundPartnership) -> None:
    add_meeting(bound, "hwb", FIRST)
    request = ask(bound)
    act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", str(request.id))
    reply = bound.run("/agenda", "HWB", OUTSIDER)
    assert reply.message.text == "HWB meets next on 3 Dec 2026 at 14:00. 1 accepted items."
    assert ITEM in str(reply.message.blocks)
    nothing = bound.run("/agenda", "lrsab", OUTSIDER)
    assert nothing.message.text.startswith("LRSAB has no meeting scheduled.")


def test_bare_agenda_opens_a_request_form_whose_answer_makes_the_request(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/agenda", "", "U0SABCHAIR")
    assert reply.modal and reply.modal.callback_id == "agenda_request_form"
    from_board, to_board, text = reply.modal.inputs
    assert from_board.block_id == "from_board" and from_board.initial == "lrsab"
    assert [key for key, _ in to_board.options] == ["hwb", "lrlscb", "lrsab"]
    assert text.kind == "long_text"
    values = {"from_board": "lrsab", "to_board": "hwb", "text": ITEM}
    made = act(bound, VIEWS["agenda_request_form"], "U0SABCHAIR", values, "")
    request = bound.session.exec(select(AgendaRequest)).one()
    assert request.from_board_id == board(bound, "lrsab").id and request.text == ITEM
    assert [p.channel for p in made.posts] == ["C0HWB"]


@pytest.mark.parametrize(
    ("values", "block_id", "message"),
    [
        ({"from_board": "hwb", "to_board": "lrlscb", "text": ITEM}, "from_board", "HWB's chair"),
        ({"from_board": "lrsab", "to_board": "lrsab", "text": ITEM}, "to_board", "cannot ask"),
        ({"from_board": "lrsab", "to_board": "hwb", "text": "  "}, "text", "say what the agenda"),
    ],
)
def test_the_request_form_shows_a_refusal_under_its_input(
    bound: BoundPartnership, values: dict[str, str], block_id: str, message: str
) -> None:
    with pytest.raises(FieldError, match=message) as refused:
        act(bound, VIEWS["agenda_request_form"], "U0SABCHAIR", values, "")
    assert refused.value.block_id == block_id
    assert bound.session.exec(select(AgendaRequest)).first() is None


def test_it_answers_help_with_its_usage(bound: BoundPartnership) -> None:
    reply = bound.run("/agenda", "help", OUTSIDER)
    assert "`/agenda request FROM TO TEXT`" in reply.message.text
    assert "`/agenda repost ID` posts an open request" in reply.message.text


def test_a_request_whose_post_failed_is_posted_again_with_its_buttons(
    bound: BoundPartnership,
) -> None:
    request = ask(bound, posted=False)
    listed = bound.run("/agenda", "list", OUTSIDER)
    assert f"not posted: ', Code(text='/agenda repost {request.id}')" in str(listed.message.blocks)

    reply = bound.run("/agenda", f"repost {request.id}", "U0LSCBBM")

    assert reply.message.text == f"Agenda request #{request.id} posted again to HWB's channel."
    (post,) = reply.posts
    assert post.channel == "C0HWB" and ITEM in post.text
    assert post.metadata == {"event_type": "agenda_request", "event_payload": {"id": request.id}}
    assert [b.action_id for b in post.blocks[-1].buttons] == ["agenda_accept", "agenda_decline"]
    assert audit_actions(bound) == ["agenda.requested"]  # bookkeeping, not governance


def test_a_request_says_how_to_post_it_again(bound: BoundPartnership) -> None:
    reply = bound.run("/agenda", f"request lrlscb hwb {ITEM}", "U0LSCBBM")
    assert "`/agenda repost 1` posts it again" in str(reply.message.blocks)


@pytest.mark.parametrize("user", ["U0LSCBCHAIR", "U0LSCBSEC", "U0HWBBM", "U0HWBSEC"])
def test_the_asking_boards_officers_and_the_asked_boards_secretariat_may_repost(
    bound: BoundPartnership, user: str
) -> None:
    request = ask(bound, posted=False)
    assert len(bound.run("/agenda", f"repost #{request.id}", user).posts) == 1


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        ("repost 1", "U0HWBCHAIR", "LRLSCB's chair or business manager or secretariat, or HWB's"),
        ("repost 1", OUTSIDER, "to post an agenda request again you need to be"),
        ("repost 999", "U0LSCBBM", "there is no agenda request #999"),
        ("repost one", "U0LSCBBM", "'one' is not an agenda request id"),
        ("repost", "U0LSCBBM", "give the id of the agenda request to post again"),
    ],
)
def test_it_refuses_a_repost_it_cannot_make(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    ask(bound, posted=False)
    with pytest.raises(BoardbotError, match=message):
        bound.run("/agenda", text, user)


def test_a_decided_request_is_not_posted_again(bound: BoundPartnership) -> None:
    add_meeting(bound, "hwb", FIRST)
    request = ask(bound)
    act(bound, ACTIONS["agenda_accept"], "U0HWBBM", "agenda_accept", str(request.id))
    with pytest.raises(BoardbotError, match="is already accepted for the meeting on 3 Dec 2026"):
        bound.run("/agenda", f"repost {request.id}", "U0LSCBBM")


def test_only_one_of_two_answers_given_at_once_counts(bound: BoundPartnership) -> None:
    request = ask(bound)
    inv = bound.invocation("U0HWBBM", channel="C0HWB")
    asking = request_arg(inv, str(request.id))
    elsewhere = update(AgendaRequest).values(status="declined", reason="Answered elsewhere")
    bound.session.execute(elsewhere.execution_options(synchronize_session=False))
    with pytest.raises(BoardbotError, match=f"agenda request #{request.id} was answered a moment"):
        decide(inv, asking)
    bound.session.rollback()
    assert audit_actions(bound) == ["agenda.requested"]
