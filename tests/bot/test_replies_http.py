"""Replies end to end, over the signed endpoint: an escalation answers once, in the channel it was
raised from, names who acted as a mention, and sends a direct message to each person who acts at
its stage; a bare command in a board's channel is about that board."""

from __future__ import annotations

import json

from tests.bot.conftest import Edge

CONCERN = "JSNA refresh omits the children's safeguarding priorities"


def texts(messages: list[dict[str, object]]) -> list[str]:
    return [str(m.get("text", "")) for m in messages]


def test_an_escalation_answers_once_and_messages_the_people_who_act(any_db_edge: Edge) -> None:
    edge = any_db_edge
    sent = edge.slack.command("/escalate", f"open lrlscb hwb {CONCERN}", "U0LSCBCHAIR", "C0LSCB")
    assert sent.status == 200
    answer = edge.slack.response(sent.key)
    assert answer.response_type == "in_channel"  # raised in LRLSCB's channel: answered there
    assert "raised with HWB by <@U0LSCBCHAIR>" in (answer.text or "")
    assert "Stage 1 of 1: Chairs meet to resolve the concern. Who acts:" in (answer.text or "")
    assert [r for r in edge.fake.responses() if r.key == sent.key] == [answer]  # only once
    assert texts(edge.fake.messages("C0LSCB")) == []  # not posted a second time beside it
    (told,) = edge.fake.messages("C0HWB")
    assert "LRLSCB has raised a concern with HWB" in str(told["text"])
    dm = edge.fake.wait_for(lambda: edge.fake.messages(edge.fake.dm_channel_for("U0HWBCHAIR")))
    assert len(dm) == 1
    assert "needs you, as HWB's chair: <@U0LSCBCHAIR> raised it." in str(dm[0]["text"])
    assert CONCERN in str(dm[0]["text"])
    # The person who raised it acted already; the business managers do not act at this stage.
    for user in ("U0LSCBCHAIR", "U0HWBBM", "U0LSCBBM"):
        assert edge.fake.messages(edge.fake.dm_channel_for(user)) == []


def test_resolving_from_elsewhere_answers_the_person_alone_in_other_words(
    any_db_edge: Edge,
) -> None:
    edge = any_db_edge
    opened = edge.slack.command("/escalate", f"open lrlscb hwb {CONCERN}", "U0LSCBCHAIR", "C0LSCB")
    edge.slack.response(opened.key)
    sent = edge.slack.command("/escalate", "resolve 1 Agreed at the joint session", "U0HWBCHAIR")
    answer = edge.slack.response(sent.key)
    assert answer.response_type == "ephemeral"
    posted = texts(edge.fake.messages("C0HWB"))[-1]
    assert posted.startswith("Escalation #1 (LRLSCB → HWB) is resolved by <@U0HWBCHAIR>.")
    assert (answer.text or "") != posted and "Posted in 2 board channels" in (answer.text or "")


def test_a_bare_command_in_a_boards_channel_is_about_that_board(any_db_edge: Edge) -> None:
    edge = any_db_edge
    sent = edge.slack.command("/duties", "", "U0HWBBM", "C0HWB")
    answer = edge.slack.response(sent.key)
    assert answer.response_type == "ephemeral"
    assert answer.blocks and answer.blocks[0]["text"]["text"] == "Duties: HWB"
    elsewhere = edge.slack.command("/duties", "", "U0HWBBM", "C0ELSEWHERE")
    whole = edge.slack.response(elsewhere.key)
    assert whole.blocks and whole.blocks[0]["text"]["text"] != "Duties: HWB"
    everything = edge.slack.command("/duties", "all", "U0HWBBM", "C0HWB")
    assert json.dumps(edge.slack.response(everything.key).blocks) == json.dumps(whole.blocks)
