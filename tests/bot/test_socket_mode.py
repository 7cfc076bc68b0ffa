"""Socket Mode end to end: the stand-in Slack's WebSocket delivers envelopes, boardbot acks
each and answers it as it answers over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.fakeslack import FakeResponse, FakeSlack
from bot.settings import Settings
from bot.socket_mode import socket_mode_handler
from storage.db import make_engine
from storage.errors import BoardbotError
from storage.models import AgendaRequest, DutyOccurrence, SlackDelivery
from tests.bot.cli_run import boardbot
from tests.bot.conftest import CHANNELS, TEAM, TOKEN, annual_report_id, serve_edge
from tests.bot.test_http_app import boardbot_script
from tests.commands.conftest import NOW, bind_rutland

APP_TOKEN = "xapp-1-A0FAKE-1-socket"
Json = dict[str, Any]


def command_payload(fake: FakeSlack, key: str, command: str, text: str, user: str) -> Json:
    """A slash command as Slack puts it in a `slash_commands` envelope."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "boards",
        "channel_id": "C0LSCB",
        "channel_name": "lrlscb-board",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0FAKE",
        "is_enterprise_install": "false",
        "response_url": fake.response_url(key),
        "trigger_id": f"{key}.trigger",
    }


def button_payload(fake: FakeSlack, key: str, action_id: str, value: str, user: str) -> Json:
    """A button click as Slack puts it in an `interactive` envelope."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "boards"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0FAKE",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1.000100", "channel_id": "C0LSCB"},
        "trigger_id": f"{key}.trigger",
        "channel": {"id": "C0LSCB", "name": "lrlscb-board"},
        "message": {"type": "message", "ts": "1.000100", "text": "prompt", "blocks": []},
        "response_url": fake.response_url(key),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "Done"},
                "value": value,
                "action_ts": "1.000200",
            }
        ],
    }


def submission_payload(view: Json, values: Json, user: str, trigger: str) -> Json:
    """A modal's submission, as Slack puts it in an `interactive` envelope."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "boards"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0FAKE",
        "token": "legacy-verification-token",
        "trigger_id": trigger,
        "view": {**view, "id": "V0001", "team_id": TEAM, "state": {"values": values}},
        "response_urls": [],
    }


def event_payload(event: Json, event_id: str) -> Json:
    """An Events API delivery, as Slack puts it in an `events_api` envelope."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0FAKE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_790_000_000,
        "authorizations": [
            {"enterprise_id": None, "team_id": TEAM, "user_id": "U0BOT", "is_bot": True}
        ],
    }


@dataclass
class SocketSim:
    """Slack's side of Socket Mode: envelopes in Slack's shapes, and what came back."""

    fake: FakeSlack
    keys: Iterator[int] = field(default_factory=lambda: iter(range(1, 1000)))

    def send(self, kind: str, payload: Json, *, response_payload: bool) -> Json:
        """Deliver one envelope and return boardbot's acknowledgement of it."""
        extra: Json = {"accepts_response_payload": response_payload}
        if kind == "events_api":
            extra.update(retry_attempt=0, retry_reason="")
        envelope_id = self.fake.socket_mode.deliver(kind, payload, **extra)
        ack = self.fake.socket_mode.ack(envelope_id)
        assert ack is not None, f"envelope {kind} was never acknowledged"
        assert ack["envelope_id"] == envelope_id
        return ack

    def command(self, command: str, text: str, user: str) -> tuple[Json, str]:
        key = f"sock{next(self.keys)}"
        payload = command_payload(self.fake, key, command, text, user)
        return self.send("slash_commands", payload, response_payload=True), key

    def button(self, action_id: str, value: str, user: str) -> tuple[Json, str]:
        key = f"sock{next(self.keys)}"
        payload = button_payload(self.fake, key, action_id, value, user)
        return self.send("interactive", payload, response_payload=False), key

    def submit(self, view: Json, values: Json, user: str) -> Json:
        payload = submission_payload(view, values, user, f"sock{next(self.keys)}.trigger")
        return self.send("interactive", payload, response_payload=True)

    def event(self, event: Json, event_id: str) -> Json:
        return self.send("events_api", event_payload(event, event_id), response_payload=False)

    def response(self, key: str) -> FakeResponse:
        found = self.fake.wait_for(lambda: [r for r in self.fake.responses() if r.key == key])
        assert found, f"nothing reached the response_url {key}"
        return found[0]


@dataclass
class Linked:
    """boardbot connected to the stand-in Slack over Socket Mode."""

    slack: SocketSim
    engine: Engine
    handler: SocketModeHandler

    @property
    def fake(self) -> FakeSlack:
        return self.slack.fake

    def drain(self) -> None:
        """Wait for the work after the acks."""
        self.handler.app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN, APP_TOKEN}) as server:
        for key, channel in CHANNELS.items():
            server.add_channel(channel, f"{key}-board")
        server.add_channel("C0ELSEWHERE", "general")
        yield server


def socket_settings(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake.base_url,
    )


def link(fake: FakeSlack, database_url: str) -> Iterator[Linked]:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
    handler = socket_mode_handler(socket_settings(fake, database_url), engine, now=lambda: NOW)
    try:
        handler.connect()
        assert fake.socket_mode.wait_connected(), "boardbot never connected"
        yield Linked(SocketSim(fake), engine, handler)
    finally:
        # Slack's side closes first: the client would otherwise wait out its 3-second read.
        handler.client.auto_reconnect_enabled = False
        fake.socket_mode.drop()
        handler.close()
        handler.app.listener_runner.listener_executor.shutdown(wait=True)
        engine.dispose()


@pytest.fixture
def linked(fake: FakeSlack, sqlite_url: str) -> Iterator[Linked]:
    yield from link(fake, sqlite_url)


@pytest.fixture
def any_db_linked(fake: FakeSlack, database_url: str) -> Iterator[Linked]:
    yield from link(fake, database_url)


# -- connecting ------------------------------------------------------------------------------------


def test_it_connects_with_the_app_token_and_moves_when_slack_refreshes_the_link(
    linked: Linked,
) -> None:
    [opened] = linked.fake.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}" and opened.error is None
    linked.fake.socket_mode.refresh()
    assert linked.fake.socket_mode.wait_connected(count=2)
    assert len(linked.fake.calls_to("apps.connections.open")) == 2
    _, key = linked.slack.command("/duties", "lrlscb", "U0LSCBBM")
    assert linked.slack.response(key).blocks


def test_a_bot_token_cannot_open_a_connection_nor_an_app_token_post(fake: FakeSlack) -> None:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(base_url=fake.base_url)
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        client.apps_connections_open(app_token=TOKEN)
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        WebClient(APP_TOKEN, base_url=fake.base_url).chat_postMessage(channel="C0HWB", text="x")


# -- the four kinds of envelope ------------------------------------------------------------------


def test_a_slash_command_is_acked_and_answered_at_its_response_url(any_db_linked: Linked) -> None:
    linked = any_db_linked
    ack, key = linked.slack.command("/duties", "lrlscb", "U0LSCBBM")
    assert "payload" not in ack  # the answer goes to the response_url, as over HTTP
    response = linked.slack.response(key)
    assert response.response_type == "ephemeral"
    assert response.blocks and response.blocks[0]["type"] == "header"
    assert "LRLSCB annual report to the HWB" in json.dumps(response.blocks)


def test_a_slash_command_gets_the_same_answer_as_over_http(
    fake: FakeSlack, linked: Linked, sqlite_template: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "over-http.sqlite3"
    shutil.copy(sqlite_template, copy)
    for edge in serve_edge(fake, f"sqlite:///{copy}"):
        http_key = edge.slack.command("/duties", "lrlscb", "U0LSCBBM", "C0LSCB").key
        over_http = edge.slack.response(http_key)
    _, key = linked.slack.command("/duties", "lrlscb", "U0LSCBBM")
    assert linked.slack.response(key).payload == over_http.payload


def test_a_button_click_is_acked_and_done_opens_its_form_then_records_it(linked: Linked) -> None:
    occ_id = annual_report_id(linked.engine)
    ack, _ = linked.slack.button("duty_done", str(occ_id), "U0LSCBSEC")
    assert "payload" not in ack
    [opened] = linked.fake.wait_for(lambda: linked.fake.calls_to("views.open"))
    view = opened.params["view"]
    assert view["callback_id"] == "duty_done_form"
    link = {"value": {"type": "plain_text_input", "value": "https://example.org/ar.pdf"}}
    accepted = linked.slack.submit(view, {"link": link}, "U0LSCBSEC")
    assert not accepted.get("payload")
    linked.drain()
    with Session(linked.engine) as session:
        row = session.get(DutyOccurrence, occ_id)
        assert row is not None and row.status == "done"
        assert row.evidence_link == "https://example.org/ar.pdf"


def test_a_modal_submission_is_acked_with_its_errors_or_plainly_when_it_is_good(
    any_db_linked: Linked,
) -> None:
    linked = any_db_linked
    linked.slack.command("/agenda", "", "U0HWBCHAIR")
    [opened] = linked.fake.wait_for(lambda: linked.fake.calls_to("views.open"))
    view = opened.params["view"]
    refused = linked.slack.submit(view, agenda_form("hwb", "hwb"), "U0HWBCHAIR")
    assert refused["payload"]["response_action"] == "errors"
    assert "cannot ask itself" in refused["payload"]["errors"]["to_board"]
    with Session(linked.engine) as session:
        assert session.exec(select(AgendaRequest)).all() == []
    accepted = linked.slack.submit(view, agenda_form("hwb", "lrlscb"), "U0HWBCHAIR")
    assert not accepted.get("payload")
    [posted] = linked.fake.wait_for(lambda: linked.fake.messages("C0LSCB"))
    assert posted["metadata"]["event_type"] == "agenda_request"
    linked.drain()
    with Session(linked.engine) as session:
        request = session.exec(select(AgendaRequest)).one()
    assert (request.message_channel, request.message_ts) == ("C0LSCB", posted["ts"])


def test_an_event_is_acked_and_the_home_tab_published_once_even_if_delivered_again(
    linked: Linked,
) -> None:
    opened = {"type": "app_home_opened", "user": "U0LSCBBM", "channel": "D0LSCBBM", "tab": "home"}
    ack = linked.slack.event({**opened, "event_ts": "1.000300"}, "Ev0SOCKET")
    assert "payload" not in ack
    home = linked.fake.wait_for(lambda: linked.fake.home_view("U0LSCBBM"))
    assert home is not None and home["type"] == "home"
    linked.slack.event({**opened, "event_ts": "1.000300"}, "Ev0SOCKET")  # Slack's retry
    linked.drain()
    assert len(linked.fake.calls_to("views.publish")) == 1
    with Session(linked.engine) as session:
        keys = session.exec(select(SlackDelivery.delivery_key)).all()
    assert keys == ["Ev0SOCKET"]


def agenda_form(asking: str, asked: str) -> Json:
    return {
        "from_board": {"value": {"type": "static_select", "selected_option": {"value": asking}}},
        "to_board": {"value": {"type": "static_select", "selected_option": {"value": asked}}},
        "text": {"value": {"type": "plain_text_input", "value": "The JSNA refresh"}},
    }


# -- start-up ------------------------------------------------------------------------------------


def test_it_names_what_socket_mode_lacks_before_connecting(
    fake: FakeSlack, sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)
    lacking = Settings(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=fake.base_url)
    with pytest.raises(BoardbotError, match="SLACK_APP_TOKEN"):
        socket_mode_handler(lacking, engine)
    installed = Settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s", SLACK_APP_TOKEN=APP_TOKEN)
    with pytest.raises(BoardbotError, match="boardbot web"):
        socket_mode_handler(installed, engine)
    engine.dispose()
    assert fake.calls == []


def test_boardbot_run_answers_over_socket_mode_and_stops_on_sigterm(
    fake: FakeSlack, sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.base_url,
    }
    log = tmp_path / "run.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [boardbot_script(), "run"], env=env, stdout=out, stderr=subprocess.STDOUT
        ) as run,
    ):
        try:
            assert fake.socket_mode.wait_connected(timeout=30), log.read_text()
            slack = SocketSim(fake)
            _, key = slack.command("/duties", "lrlscb", "U0LSCBBM")
            assert "LRLSCB annual report" in json.dumps(slack.response(key).blocks)
        finally:
            run.send_signal(signal.SIGTERM)
            assert run.wait(timeout=30) == 0, log.read_text()
    assert "Traceback" not in log.read_text()


def test_boardbot_run_refuses_oauth_variables_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s", SLACK_APP_TOKEN=APP_TOKEN)
    result = subprocess.run(
        [boardbot_script(), "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "boardbot web" in result.stderr


def test_boardbot_run_says_in_one_line_when_slack_refuses_the_app_token(
    fake: FakeSlack, sqlite_url: str
) -> None:
    env = {
        "DATABASE_URL": sqlite_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-A0FAKE-1-not-this-one",
        "SLACK_API_URL": fake.base_url,
    }
    result = boardbot("run", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "(invalid_auth)" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr and fake.socket_mode.connected == 0
