"""What people type is screened at the edge, and no log line quotes it, whatever goes wrong."""

from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import Session, col, select

from bot.privacy import unacceptable
from commands import duties
from commands.context import Invocation
from commands.reply import Reply
from storage.models import AgendaRequest, AuditEntry, SlackDelivery
from tests.bot.conftest import Edge
from tests.bot.test_http_app import count, drain
from tests.logcheck import private

TYPED = private("Joint work on child exploitation across the county")
BROKEN = private("A concern that meets a bug in the database layer")


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, with punctuation: 'quotes' & <brackets>",
        "Tabs\tand\nnewlines\r\nare whitespace",
        "Arabic تقرير and Hebrew דוח read right to left on their own",
        "A family emoji 👨\u200d👩\u200d👧 keeps its zero-width joiners",
        "A no-break\u00a0space and an em dash — are fine",
    ],
)
def test_it_accepts_ordinary_text_in_any_script(text: str) -> None:
    assert unacceptable(text) is None


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x00", "control character (U+0000)"),
        ("\x07", "control character (U+0007)"),
        ("\x1b", "control character (U+001B)"),
        ("\x7f", "control character (U+007F)"),
        ("\x85", "control character (U+0085)"),
        ("\u202e", "text-direction control (U+202E)"),
        ("\u202a", "text-direction control (U+202A)"),
        ("\u2066", "text-direction control (U+2066)"),
        ("\u2069", "text-direction control (U+2069)"),
        ("\u200f", "text-direction control (U+200F)"),
        ("\u061c", "text-direction control (U+061C)"),
    ],
)
def test_it_refuses_control_and_direction_characters_naming_them(
    character: str, named: str
) -> None:
    problem = unacceptable(f"An item{character} with a hidden character")
    assert problem is not None and named in problem and "type it again without it" in problem


# -- over HTTP: refused before the database ------------------------------------------------------


def test_a_nul_in_a_command_is_refused_before_it_reaches_the_database(any_db_edge: Edge) -> None:
    edge = any_db_edge
    sent = edge.slack.command("/agenda", f"request hwb lrlscb {TYPED}\x00", "U0HWBBM", "C0HWB")
    response = edge.slack.response(sent.key)
    assert (response.text or "").startswith(":warning: that text contains a control character")
    assert "U+0000" in (response.text or "")
    assert count(edge.engine, AgendaRequest) == 0
    assert edge.fake.messages("C0LSCB") == []


def test_a_direction_override_in_a_command_is_refused(edge: Edge) -> None:
    sent = edge.slack.command(
        "/escalate", "open hwb lrlscb Report \u202etxt.exe", "U0HWBCHAIR", "C0HWB"
    )
    response = edge.slack.response(sent.key)
    assert "text-direction control (U+202E)" in (response.text or "")
    assert count(edge.engine, AuditEntry) == 1  # the protocol's load, nothing since


def test_a_nul_in_a_form_is_shown_under_its_input_and_nothing_is_written(
    any_db_edge: Edge,
) -> None:
    edge = any_db_edge
    edge.slack.command("/agenda", "", "U0HWBCHAIR", "C0HWB")
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    values = {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": "lrlscb"}}},
        "text": {"value": {"type": "plain_text_input", "value": f"{TYPED}\x00"}},
    }
    sent = edge.slack.submit(opened.params["view"], values, "U0HWBCHAIR")
    answer = json.loads(sent.body)
    assert answer["response_action"] == "errors"
    assert "control character (U+0000)" in answer["errors"]["text"]
    assert count(edge.engine, AgendaRequest) == 0


def test_a_nul_in_a_button_value_is_refused_before_the_database(any_db_edge: Edge) -> None:
    edge = any_db_edge
    sent = edge.slack.button("duty_done", "1\x00", "U0LSCBSEC")
    response = edge.slack.response(sent.key)
    assert "control character (U+0000)" in (response.text or "")


# -- the logs ------------------------------------------------------------------------------------


def test_a_database_error_is_logged_without_what_the_person_typed(
    any_db_edge: Edge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A unique key broken by typed text: SQLAlchemy's parameters and PostgreSQL's DETAIL
    ("Key (delivery_key)=(...) already exists") would both quote it."""
    edge = any_db_edge

    def bug(inv: Invocation, text: str) -> Reply:
        for _ in range(2):
            inv.session.add(SlackDelivery(delivery_key=text, received_at=inv.now))
            inv.session.flush()
        raise AssertionError("unreachable: the second flush fails")

    monkeypatch.setattr(duties, "handle", bug)
    caplog.set_level(logging.INFO)
    sent = edge.slack.command("/duties", BROKEN, "U0LSCBBM")
    response = edge.slack.response(sent.key)
    drain(edge)
    assert (response.text or "").startswith("Something went wrong (ref ")
    assert len([r for r in caplog.records if r.exc_info]) == 1
    logged = caplog.text
    assert "IntegrityError" in logged and "[SQL parameters hidden" in logged
    assert BROKEN not in logged
    if edge.engine.dialect.name == "postgresql":
        assert "DETAIL:  (detail hidden: it can quote stored text)" in logged
    with Session(edge.engine) as session:
        kept = session.exec(select(SlackDelivery).where(col(SlackDelivery.delivery_key) == BROKEN))
        assert kept.first() is None
