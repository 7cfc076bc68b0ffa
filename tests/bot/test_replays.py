"""A signed request sent again (a replay) is answered once: commands, buttons and forms."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import pytest
from slack_bolt import BoltRequest
from sqlmodel import Session, col, select

from bot.answers import Answers, delivery_key
from storage.models import AgendaRequest, AuditEntry, DutyOccurrence, SlackDelivery
from tests.bot.conftest import Edge, Sent, SlackSim, annual_report_id, http, sign
from tests.bot.test_http_app import count, drain
from tests.logcheck import private

ITEM = private("Shared priorities for the neglect strategy")


@dataclass
class Recording(SlackSim):
    """Slack's side, remembering each signed request exactly as it went out."""

    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def send(self, body: str, content_type: str, **headers: str) -> Sent:
        signed = {**sign(body, secret=self.secret), "Content-Type": content_type, **headers}
        self.sent.append((body, signed))
        status, answer = http(f"{self.url}/slack/events", body, signed)
        return Sent(status, answer, 0.0)

    def replay(self) -> int:
        """The last request again, byte for byte, signature and timestamp included."""
        body, headers = self.sent[-1]
        return http(f"{self.url}/slack/events", body, headers)[0]


def recording(edge: Edge) -> Recording:
    return Recording(edge.fake, edge.slack.url)


def responses(edge: Edge, key: str) -> int:
    return len([r for r in edge.fake.responses() if r.key == key])


def actions(edge: Edge, action: str) -> int:
    with Session(edge.engine) as session:
        return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_a_replayed_slash_command_is_answered_once(any_db_edge: Edge) -> None:
    edge = any_db_edge
    slack, occ_id = recording(edge), annual_report_id(edge.engine)
    sent = slack.command(
        "/duties", f"done {occ_id} https://example.org/ar.pdf", "U0LSCBBM", "C0LSCB"
    )
    edge.slack.response(sent.key)
    assert slack.replay() == 200  # acked as Slack expects, and nothing more
    drain(edge)
    assert responses(edge, sent.key) == 1
    assert actions(edge, "duty.done") == 1
    with Session(edge.engine) as session:
        assert session.get(DutyOccurrence, occ_id).status == "done"  # type: ignore[union-attr]


def test_a_replayed_read_is_answered_once_too(edge: Edge) -> None:
    slack = recording(edge)
    sent = slack.command("/duties", "lrlscb", "U0LSCBBM", "C0LSCB")
    edge.slack.response(sent.key)
    slack.replay()
    drain(edge)
    assert responses(edge, sent.key) == 1


def test_a_replayed_button_click_is_answered_once(any_db_edge: Edge) -> None:
    edge = any_db_edge
    slack, occ_id = recording(edge), annual_report_id(edge.engine)
    sent = slack.button("duty_snooze", str(occ_id), "U0LSCBSEC")
    edge.slack.response(sent.key)
    assert slack.replay() == 200
    drain(edge)
    assert responses(edge, sent.key) == 1 and actions(edge, "duty.snoozed") == 1


def test_a_replayed_form_makes_one_request_and_one_post(any_db_edge: Edge) -> None:
    edge = any_db_edge
    slack = recording(edge)
    slack.command("/agenda", "", "U0HWBCHAIR", "C0HWB")
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    values = {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": "lrlscb"}}},
        "text": {"value": {"type": "plain_text_input", "value": ITEM}},
    }
    first = slack.submit(opened.params["view"], values, "U0HWBCHAIR")
    assert (first.status, first.body) == (200, "")
    assert slack.replay() == 200
    drain(edge)
    assert count(edge.engine, AgendaRequest) == 1
    assert len(edge.fake.messages("C0LSCB")) == 1


def test_a_refused_form_writes_nothing_and_its_replay_is_refused_the_same(edge: Edge) -> None:
    slack = recording(edge)
    slack.command("/agenda", "", "U0HWBCHAIR", "C0HWB")
    [opened] = edge.fake.wait_for(lambda: edge.fake.calls_to("views.open"))
    values = {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": "hwb"}}},
        "text": {"value": {"type": "plain_text_input", "value": ITEM}},
    }
    first = slack.submit(opened.params["view"], values, "U0HWBCHAIR")
    assert "cannot ask itself" in json.loads(first.body)["errors"]["to_board"]
    body, headers = slack.sent[-1]
    assert http(f"{slack.url}/slack/events", body, headers) == (200, first.body)
    with Session(edge.engine) as session:
        signed = select(SlackDelivery).where(col(SlackDelivery.delivery_key).startswith("signed:"))
        assert len(session.exec(signed).all()) == 1  # the command's; the form kept nothing


def test_the_replay_check_happens_after_the_ack(
    edge: Edge, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's ack never waits on the database: the check runs on the pool afterwards."""
    release = threading.Event()
    real = Answers.first_delivery

    def slow(self: Answers, key: str) -> bool:
        release.wait(2.0)  # two seconds of a slow database, unless the test releases it
        return real(self, key)

    monkeypatch.setattr(Answers, "first_delivery", slow)
    sent = edge.slack.command("/duties", "lrlscb", "U0LSCBBM")
    assert sent.status == 200 and sent.seconds < 1.0
    assert edge.fake.responses() == []
    release.set()
    assert edge.slack.response(sent.key).blocks


def test_the_key_is_the_signature_over_http_and_the_trigger_in_socket_mode() -> None:
    body = {"trigger_id": "13345224609.738474920.8088930838d88f008e0"}
    signed = BoltRequest(
        body="token=x",
        headers={"x-slack-request-timestamp": "1531420618", "x-slack-signature": "v0=a2114d57"},
    )
    assert delivery_key(signed, body) == "signed:1531420618:v0=a2114d57"
    socket = BoltRequest(body=body, mode="socket_mode")
    assert delivery_key(socket, body) == "trigger:13345224609.738474920.8088930838d88f008e0"
    assert delivery_key(BoltRequest(body={}, mode="socket_mode"), {}) == ""
