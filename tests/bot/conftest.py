"""The Slack edge end to end: a fake Slack, boardbot's WSGI app over real HTTP, signed requests."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.app import build_app
from bot.fakeslack import FakeResponse, FakeSlack
from bot.settings import Settings
from bot.web import wsgi_app
from schedules.occurrences import materialise
from storage.db import make_engine
from storage.models import DutyOccurrence
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import CHANNELS, NOW, bind_rutland

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
TEAM = "T0FAKE"
Json = dict[str, Any]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins the request threads: no socket outlives a test


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep access lines out of test output."""


@dataclass
class Served:
    """A WSGI app on 127.0.0.1, in a daemon thread, until stop()."""

    app: Callable[..., Any]
    server: WSGIServer = field(init=False)
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.server = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@dataclass(frozen=True)
class Sent:
    status: int
    body: str
    seconds: float
    key: str = ""


def sign(body: str, *, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(at if at is not None else time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def http(
    url: str, body: str = "", headers: dict[str, str] | None = None, method: str = "POST"
) -> tuple[int, str]:
    data = body.encode("utf-8") if method == "POST" else None
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read().decode("utf-8")


@dataclass
class SlackSim:
    """Slack's side of the conversation: signed requests in Slack's own payload shapes."""

    fake: FakeSlack
    url: str
    secret: str = SECRET
    _keys: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def send(self, body: str, content_type: str, **headers: str) -> Sent:
        signed = {**sign(body, secret=self.secret), "Content-Type": content_type, **headers}
        started = time.perf_counter()
        status, text = http(f"{self.url}/slack/events", body, signed)
        return Sent(status, text, time.perf_counter() - started)

    def command(self, command: str, text: str, user: str, channel: str = "C0ELSEWHERE") -> Sent:
        key = f"cmd{next(self._keys)}"
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "team_domain": "boards",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0FAKE",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(key),
            "trigger_id": f"{key}.trigger",
        }
        sent = self.send(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")
        return Sent(sent.status, sent.body, sent.seconds, key)

    def interaction(self, payload: Json) -> Sent:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded")

    def button(self, action_id: str, value: str, user: str, channel: str = "C0LSCB") -> Sent:
        key = f"act{next(self._keys)}"
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "boards"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0FAKE",
            "token": "legacy-verification-token",
            "container": {"type": "message", "message_ts": "1.000100", "channel_id": channel},
            "trigger_id": f"{key}.trigger",
            "channel": {"id": channel, "name": channel.lower()},
            "message": {"type": "message", "ts": "1.000100", "text": "prompt", "blocks": []},
            "response_url": self.fake.response_url(key),
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
        sent = self.interaction(payload)
        return Sent(sent.status, sent.body, sent.seconds, key)

    def submit(self, view: Json, values: dict[str, Json], user: str) -> Sent:
        """A view_submission of a rendered modal, with state values as Slack sends them."""
        submitted = {**view, "id": "V0001", "team_id": TEAM, "state": {"values": values}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "boards"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0FAKE",
            "token": "legacy-verification-token",
            "trigger_id": "view.trigger",
            "view": submitted,
            "response_urls": [],
        }
        return self.interaction(payload)

    def event(self, event: Json, event_id: str, **headers: str) -> Sent:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "api_app_id": "A0FAKE",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
        }
        return self.send(json.dumps(envelope), "application/json", **headers)

    def home_opened(self, user: str, event_id: str, **headers: str) -> Sent:
        event = {"type": "app_home_opened", "user": user, "channel": f"D{user[1:]}", "tab": "home"}
        return self.event({**event, "event_ts": "1.000300"}, event_id, **headers)

    def response(self, key: str, timeout: float = 5.0) -> FakeResponse:
        """The one response boardbot sent to this request's response_url."""
        found = self.fake.wait_for(
            lambda: [r for r in self.fake.responses() if r.key == key], timeout
        )
        assert found, f"nothing reached the response_url {key}"
        return found[0]


def settings_for(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.base_url,
    )


def annual_report_id(engine: Engine) -> int:
    """LRLSCB's annual report to the HWB, due soon at NOW (materialised as /duties would)."""
    with Session(engine, expire_on_commit=False) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership is not None
        materialise(partnership, NOW, session=session)
        session.commit()
        row = session.exec(
            select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
        ).first()
        assert row is not None and row.id is not None
        return row.id


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}) as server:
        for key, channel in CHANNELS.items():
            server.add_channel(channel, f"{key}-board")
        server.add_channel("C0DIGEST", "board-digest")
        server.add_channel("C0ELSEWHERE", "general")
        yield server


@dataclass
class Edge:
    """Everything a test needs: the fake, the database, the app and a way to talk to it."""

    fake: FakeSlack
    engine: Engine
    app: App
    slack: SlackSim


def serve_edge(
    fake: FakeSlack, database_url: str, now: datetime = NOW, *, rutland: bool = True
) -> Iterator[Edge]:
    """boardbot's web app over HTTP beside the stand-in; with `rutland`, that partnership bound."""
    engine = make_engine(database_url)
    try:
        if rutland:
            with Session(engine, expire_on_commit=False) as session:
                bind_rutland(session)
        app = build_app(settings_for(fake, database_url), engine, now=lambda: now)
        served = Served(wsgi_app(app, engine=engine, signing_secret=SECRET))
        try:
            yield Edge(fake, engine, app, SlackSim(fake, served.url))
        finally:
            served.stop()
            app.listener_runner.listener_executor.shutdown(wait=True)  # work after acks ends
    finally:
        engine.dispose()


@pytest.fixture
def edge(fake: FakeSlack, sqlite_url: str) -> Iterator[Edge]:
    """On a migrated SQLite copy: fast, for most tests."""
    yield from serve_edge(fake, sqlite_url)


@pytest.fixture
def any_db_edge(fake: FakeSlack, database_url: str) -> Iterator[Edge]:
    """On SQLite and, when TEST_DATABASE_URL is set, PostgreSQL: for the key tests."""
    yield from serve_edge(fake, database_url)
