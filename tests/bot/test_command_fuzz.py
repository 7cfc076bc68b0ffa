"""Whatever anyone types after a slash command: an answer or a clear refusal, never a bug."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from bot.dispatch import Caller, Dispatcher
from bot.fakeslack import FakeSlack, validate_message, validate_view
from bot.fakeslack.blockkit import errors_only
from bot.render import render_message, render_modal
from commands.registry import FAMILIES
from commands.reply import Reply
from storage.db import make_engine
from tests.bot.conftest import Edge, serve_edge
from tests.commands.conftest import NOW, OUTSIDER, bind_rutland

FAILED = "Something went wrong"
USERS = ["U0LSCBBM", "U0HWBCHAIR", "U0SABBM", "U0LSCBSEC", OUTSIDER]
CHANNELS = ["C0HWB", "C0LSCB", "C0SAB", "C0DIGEST", "C0ELSEWHERE", "D0DM"]
WORDS = [
    "done", "waive", "list", "request", "link", "role", "help", "none", "add", "move", "cancel",
    "open", "advance", "resolve", "show", "chair", "business_manager", "business-manager",
    "secretariat", "member", "today", "yesterday", "tomorrow", "at", "noon", "next", "last",
    "Tuesday", "of", "January", ";", "hwb", "HWB", "lrlscb", "LrLsCb", "lrsab", "csp", "",
]  # fmt: skip
near_misses = st.one_of(
    st.sampled_from(WORDS),
    st.integers(-3, 10**15).map(str),
    st.sampled_from(["9" * 18, "-" + "9" * 20, "١٢", "٣"]),
    st.integers(0, 400).map(lambda n: f"#{n}"),
    st.sampled_from(["C0HWB", "C0LSCB", "C0NOPE", "G0PRIVATE"]).flatmap(
        lambda c: st.sampled_from([f"<#{c}|x>", f"<#{c}>", f"#{c}", f"<#{c}|>"])
    ),
    st.sampled_from(["U0HWBBM", "U0NOBODY", "W0GUEST"]).flatmap(
        lambda u: st.sampled_from([f"<@{u}>", f"<@{u}|someone>", f"@{u}"])
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d:%d/%m/%Y}"),
    st.dates().map(lambda d: f"{d.day} {d:%B %Y}"),
    st.times().map(lambda t: f"{t:%H:%M}"),
    st.sampled_from(
        [
            "https://example.org/minutes.pdf",
            "<https://example.org/a|the pack>",
            "http://",
            "<>",
            "|",
        ]
    ),
    st.sampled_from(["3 March at 10:00", "next Tuesday 2pm", "at 1", "31/02/2027 10:00", "1e9"]),
    st.text(max_size=12),
)


texts = st.one_of(
    st.text(max_size=120),
    st.lists(near_misses, max_size=8).map(" ".join),
    st.lists(near_misses, max_size=8).map("\u00a0".join),
    st.builds(lambda n: "x " * n, st.integers(0, 600)),
)


@pytest.fixture(scope="module")
def fuzz_engine(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Engine]:
    """One bound partnership for every example: what one example writes, the next one sees."""
    path = tmp_path_factory.mktemp("fuzz") / "boardbot.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
    yield engine
    engine.dispose()


def check_answer(
    text: str,
    blocks: list[object] | None,
    records: Sequence[logging.LogRecord] = (),
) -> None:
    """No traceback in the answer, and none logged while it was made: a command that hit a bug
    answers "something went wrong" and logs the traceback (bot/dispatch.py failure())."""
    everything = (text or "") + json.dumps(blocks or [])
    assert "Traceback" not in everything
    logged = [r.getMessage() for r in records if r.exc_info or r.levelno >= logging.ERROR]
    assert logged == [], f"a traceback was logged: {logged}"


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(sorted(FAMILIES)),
    text=texts,
    user=st.sampled_from(USERS),
    channel=st.sampled_from(CHANNELS),
)
def test_every_command_answers_any_text_clearly(
    fuzz_engine: Engine,
    caplog: pytest.LogCaptureFixture,
    command: str,
    text: str,
    user: str,
    channel: str,
) -> None:
    caplog.clear()
    reply = Dispatcher(fuzz_engine, lambda: NOW).command(
        command, text, Caller(user, channel, "fuzz.trigger")
    )
    rendered = render_message(reply.message)
    assert not reply.message.text.startswith(FAILED), f"{command} {text!r} hit a bug"
    assert errors_only(validate_message(rendered["text"], rendered["blocks"])) == []
    if reply.modal is not None:
        assert errors_only(validate_view(render_modal(reply.modal))) == []
    for post in reply.posts:
        posted = render_message(post)
        assert errors_only(validate_message(posted["text"], posted["blocks"])) == []
    check_answer(rendered["text"], rendered["blocks"], caplog.records)


def test_the_check_fails_on_a_command_that_hits_a_bug(
    fuzz_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The checks above can fail: a command that raises is caught by its traceback in the log,
    and an answer that carried a traceback would be caught by its text."""

    def broken(inv: object) -> Reply:
        raise RuntimeError("a bug")

    reply = Dispatcher(fuzz_engine, lambda: NOW).run(Caller("U0LSCBBM"), broken, what="/broken")
    rendered = render_message(reply.message)
    with pytest.raises(AssertionError, match="a traceback was logged"):
        check_answer(rendered["text"], rendered["blocks"], caplog.records)
    with pytest.raises(AssertionError):
        check_answer("Traceback (most recent call last):", [])


OVER_HTTP = [
    ("/duties", "done <#C0LSCB|x> <@U0HWBBM>"),
    ("/duties", "waive #0 " + "é" * 400),
    ("/duties", "\u00a0lrlscb\u00a0"),
    ("/minutes", "hwb 31/02/2027"),
    ("/minutes", "lrlscb 3 March 1800 <https://example.org/a|x>"),
    ("/minutes", "list <#C0NOPE>"),
    ("/agenda", "request hwb hwb " + "&<>" * 50),
    ("/agenda", "list <@U0NOBODY>"),
    ("/agenda", "<#C0SAB|lrsab> extra"),
    ("/boards", "role hwb <@W0GUEST> overlord"),
    ("/boards", "link lrsab #not-a-channel"),
    ("/boards", "help me"),
    ("/meetings", "add hwb at 1"),
    ("/meetings", "move 999999999999999999 3 March at 10:00"),
    ("/meetings", "cancel -1"),
    ("/escalate", "open lrlscb hwb"),
    ("/escalate", "advance 1e9"),
    ("/escalate", "show 🙂"),
    ("/escalate", "resolve 1 " + "x " * 300),
    ("/duties", "\x00\x1f<script>"),
]


def test_odd_text_over_http_gets_an_answer_never_a_500(fake: FakeSlack, sqlite_url: str) -> None:
    edges: Iterator[Edge] = serve_edge(fake, sqlite_url)
    edge = next(edges)
    try:
        for command, text in OVER_HTTP:
            if command not in FAMILIES:
                continue
            sent = edge.slack.command(command, text, "U0LSCBBM", "C0LSCB")
            assert sent.status == 200, (command, text)
            response = edge.slack.response(sent.key)
            answer = response.text or ""
            assert not answer.startswith(FAILED), f"{command} {text!r}: {answer}"
            check_answer(answer, response.blocks)
    finally:
        edges.close()


IMPOSSIBLE_IDS = [
    ("/duties", "done ²"),
    ("/duties", "done " + "9" * 25),
    ("/duties", "waive #" + "9" * 25 + " reason"),
    ("/meetings", "cancel ²"),
    ("/meetings", "move " + "9" * 25 + " 3 March at 10:00"),
    ("/escalate", "show ²"),
    ("/escalate", "advance " + "9" * 25),
]


@pytest.mark.parametrize(("command", "text"), IMPOSSIBLE_IDS)
def test_an_impossible_id_is_refused_clearly(fuzz_engine: Engine, command: str, text: str) -> None:
    reply = Dispatcher(fuzz_engine, lambda: NOW).command(command, text, Caller("U0LSCBBM"))
    assert reply.message.text.startswith(":warning:")
