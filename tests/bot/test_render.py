"""Reply data as Block Kit: escaped, and never over a limit Slack would reject."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.fakeslack import validate_message, validate_view
from bot.fakeslack.blockkit import errors_only
from bot.render import (
    escape,
    first_input,
    mrkdwn,
    render_home,
    render_message,
    render_modal,
    view_values,
)
from commands.reply import (
    Block,
    Bold,
    Button,
    ChannelRef,
    Code,
    Link,
    Mention,
    Message,
    Modal,
    ModalInput,
    buttons,
    context,
    divider,
    fields,
    header,
    lines,
)


def message_errors(message: Message) -> list[str]:
    rendered = render_message(message)
    return errors_only(validate_message(rendered["text"], rendered["blocks"]))


def test_it_escapes_slacks_three_control_characters_once() -> None:
    assert escape("A&B <C> &amp;") == "A&amp;B &lt;C&gt; &amp;amp;"


def test_it_renders_each_kind_of_part() -> None:
    line = (
        "Papers <draft> & ",
        Bold("JSNA"),
        " by ",
        Mention("U0HWBBM"),
        " in ",
        ChannelRef("C0HWB"),
        ": ",
        Link("https://example.org/a?x=1&y=2", "the <pack>"),
        " ",
        Link("https://example.org/b"),
        " ",
        Code("#12"),
    )
    assert mrkdwn(line) == (
        "Papers &lt;draft&gt; &amp; *JSNA* by <@U0HWBBM> in <#C0HWB>: "
        "<https://example.org/a?x=1&amp;y=2|the &lt;pack&gt;> <https://example.org/b> `#12`"
    )


def test_it_renders_a_message_with_a_fallback_and_every_block_kind() -> None:
    message = Message(
        "Duties: LRLSCB",
        [
            header("Duties: LRLSCB"),
            lines("one", (Bold("two"),)),
            fields(("Due", "1 Sep 2026"), ("Owed to", "HWB")),
            context("Clause 4.2"),
            divider(),
            buttons(
                Button("Done", "duty_done", "12", "primary"), Button("Snooze", "duty_snooze", "12")
            ),
        ],
    )
    rendered = render_message(message)
    assert rendered["text"] == "Duties: LRLSCB"
    kinds = [b["type"] for b in rendered["blocks"]]
    assert kinds == ["header", "section", "section", "context", "divider", "actions"]
    assert rendered["blocks"][1]["text"]["text"] == "one\n*two*"
    assert rendered["blocks"][2]["fields"][0]["text"] == "*Due*\n1 Sep 2026"
    assert rendered["blocks"][5]["elements"][0]["style"] == "primary"
    assert message_errors(message) == []


def test_it_splits_a_long_list_into_sections_between_lines() -> None:
    rows = [f"#{n} " + "x" * 95 for n in range(200)]
    blocks = render_message(Message("many", [lines(*rows)]))["blocks"]
    assert len(blocks) > 1
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert "\n".join(b["text"]["text"] for b in blocks).split("\n") == rows


def test_it_keeps_fifty_blocks_and_says_how_many_more_there_were() -> None:
    blocks = render_message(Message("long", [lines(f"row {n}") for n in range(80)]))["blocks"]
    assert len(blocks) == 50
    assert blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "31 more not shown"}],
    }


def test_it_spreads_many_fields_over_sections_of_ten() -> None:
    message = Message("facts", [fields(*[(f"k{n}", "v" * 3000) for n in range(25)])])
    blocks = render_message(message)["blocks"]
    assert [len(b["fields"]) for b in blocks] == [10, 10, 5]
    assert message_errors(message) == []


def test_it_gives_repeated_buttons_in_one_block_distinct_action_ids() -> None:
    block = buttons(*[Button("Done " * 30, "duty_done", str(n) * 3000) for n in range(3)])
    [rendered] = render_message(Message("x", [block]))["blocks"]
    assert [e["action_id"] for e in rendered["elements"]] == [
        "duty_done",
        "duty_done#2",
        "duty_done#3",
    ]
    assert all(
        len(e["text"]["text"]) <= 75 and len(e["value"]) <= 2000 for e in rendered["elements"]
    )


def test_it_truncates_the_fallback_without_leaving_half_an_entity() -> None:
    rendered = render_message(Message("&" * 5000))
    assert len(rendered["text"]) <= 3000
    assert rendered["text"].endswith("&amp;…")


def test_it_renders_a_modal_with_each_kind_of_input() -> None:
    modal = Modal(
        "agenda_request_form",
        "Ask another board for an agenda item",
        "Send the request now please",
        [
            ModalInput(
                "from_board", "From board", "select", (("hwb", "HWB"), ("lrsab", "LRSAB")), "lrsab"
            ),
            ModalInput("text", "The item", "long_text", hint="Never case details."),
            ModalInput("on", "Meeting day", "date", initial="2027-03-03", optional=True),
            ModalInput("note", "Note", initial="first"),
        ],
        private_metadata="42",
        intro="The board asked sees it in its channel.",
    )
    view = render_modal(modal)
    assert errors_only(validate_view(view)) == []
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    select, long_text, date, note = view["blocks"][1:]
    assert select["element"]["initial_option"]["value"] == "lrsab"
    assert long_text["element"] == {
        "type": "plain_text_input",
        "multiline": True,
        "action_id": "value",
    }
    assert date["element"]["initial_date"] == "2027-03-03" and date["optional"] is True
    assert note["element"]["initial_value"] == "first"
    assert view["private_metadata"] == "42" and first_input(view) == "from_board"


def test_a_select_without_an_initial_value_shows_its_placeholder_and_nothing_chosen() -> None:
    options = (("3", "17 Sep 2026 at 14:00"), ("4", "5 Nov 2026 at 14:00"))
    modal = Modal(
        "agenda_accept_meeting", "Accept", "Accept", [ModalInput("m", "M", "select", options)]
    )

    element = render_modal(modal)["blocks"][0]["element"]

    assert element["placeholder"]["text"] == "Choose…" and "initial_option" not in element
    empty = {
        "state": {"values": {"m": {"value": {"type": "static_select", "selected_option": None}}}}
    }
    assert view_values(empty) == {"m": ""}


def test_it_reads_submitted_values_whatever_the_element() -> None:
    view = {
        "state": {
            "values": {
                "text": {"value": {"type": "plain_text_input", "value": "JSNA"}},
                "board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
                "on": {"value": {"type": "datepicker", "selected_date": "2027-03-03"}},
                "blank": {"value": {"type": "plain_text_input", "value": None}},
            }
        }
    }
    assert view_values(view) == {"text": "JSNA", "board": "hwb", "on": "2027-03-03", "blank": ""}


def test_a_home_view_keeps_a_hundred_blocks() -> None:
    home = render_home([lines(f"row {n}") for n in range(150)])
    assert home["type"] == "home" and len(home["blocks"]) == 100
    assert errors_only(validate_view(home)) == []


# -- whatever the content, Slack accepts it --------------------------------------------------

ODD = "&<>*_`~|\n :#@"
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=ODD, max_size=40),
    st.builds(
        lambda n, c: c * n, st.integers(0, 6000), st.sampled_from(["a", "&", "<", "é", "\n"])
    ),
)
ids = st.from_regex(r"[UCW][A-Z0-9]{2,10}", fullmatch=True)
urls = st.builds(
    lambda path: f"https://example.org/{path}", st.text(alphabet="ab&<>|/", max_size=30)
)
parts = st.one_of(
    texts,
    st.builds(Bold, texts),
    st.builds(Mention, ids),
    st.builds(ChannelRef, ids),
    st.builds(Link, urls, texts),
    st.builds(Code, texts),
)
line_st = st.lists(parts, max_size=4).map(tuple)
button_st = st.builds(
    Button,
    texts,
    st.text(min_size=1, max_size=300),
    texts,
    st.sampled_from([None, "primary", "danger"]),
)
blocks_st = st.one_of(
    texts.map(header),
    st.lists(line_st, max_size=40).map(lambda ls: Block("lines", lines=tuple(ls))),
    st.lists(st.tuples(texts, line_st), max_size=25).map(
        lambda fs: Block("fields", fields=tuple(fs))
    ),
    st.lists(line_st, max_size=15).map(lambda ls: Block("context", lines=tuple(ls))),
    st.just(divider()),
    st.lists(button_st, max_size=30).map(lambda bs: Block("buttons", buttons=tuple(bs))),
)
QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@QUICK
@given(texts, st.lists(blocks_st, max_size=70))
def test_any_message_is_accepted_by_slack(text: str, blocks: list[Block]) -> None:
    assert message_errors(Message(text, blocks)) == []


@QUICK
@given(st.lists(blocks_st, max_size=130))
def test_any_home_is_accepted_by_slack(blocks: list[Block]) -> None:
    assert errors_only(validate_view(render_home(blocks))) == []


inputs_st = st.builds(
    ModalInput,
    st.text(min_size=1, max_size=50),
    texts,
    st.sampled_from(["text", "long_text", "select", "date"]),
    st.lists(st.tuples(st.text(max_size=300), texts), max_size=120).map(tuple),
    texts,
    st.booleans(),
    texts,
)


@QUICK
@given(texts, texts, texts, st.lists(inputs_st, max_size=5), texts, texts)
def test_any_modal_is_accepted_by_slack(
    callback: str, title: str, submit: str, inputs: list[ModalInput], metadata: str, intro: str
) -> None:
    view = render_modal(Modal(callback, title, submit, inputs, metadata, intro))
    assert errors_only(validate_view(view)) == []


@QUICK
@given(st.lists(st.text(alphabet=ODD + "ab", max_size=30), max_size=5))
def test_plain_text_never_reaches_slack_as_markup(words: list[str]) -> None:
    rendered = json.dumps(render_message(Message(" ".join(words), [lines(*words)])))
    assert "<" not in rendered and ">" not in rendered
