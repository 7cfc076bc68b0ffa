"""The sandbox's servers: the fake Slack, the bot over signed HTTP, the page and its JSON API."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import Engine

from bot.app import build_app
from bot.calendar_feed import with_calendar_feeds
from bot.canvas import SlackCanvasKeeper
from bot.fakeslack import FakeSlack
from bot.sandbox.api import ApiServer
from bot.sandbox.clock import (
    SEND_TIME,
    Jump,
    SandboxClock,
    check_jump,
    combined,
    days_to_tick,
    posted_at,
    relative_jumps,
)
from bot.sandbox.demo import (
    SECOND_TEAM,
    DemoSetup,
    add_to_fake,
    add_to_second,
    demo_setup,
    second_setup,
)
from bot.sandbox.demo_data import DemoCalendars, load_demo
from bot.sandbox.relay import Json, SlackRelay
from bot.sender import SlackSender
from bot.settings import Settings
from bot.slack_client import clock_client
from bot.web import WsgiApp, warm_up, wsgi_app
from commands.registry import FAMILIES, usage
from schedules import calendar
from schedules.clock import QuietHours, TickReport, tick
from schedules.feeds import tokens
from schedules.protocol import load_protocol
from storage.db import make_engine
from storage.errors import BoardbotError
from storage.migrate import upgrade

log = logging.getLogger(__name__)
DATABASE_FILE, SECOND_DATABASE_FILE = "boardbot.sqlite3", "second.sqlite3"
FIRST, SECOND = "1", "2"  # the page's names for the two workspaces


def bot_wsgi_app(settings: Settings, engine: Engine, now: Callable[[], datetime]) -> WsgiApp:
    """The one place the bot's web app is made: what `boardbot web` serves, on our clock."""
    warm_up()
    bolt = build_app(settings, engine, now=now)
    app = wsgi_app(bolt, engine=engine, signing_secret=settings.slack_signing_secret or "")
    return with_calendar_feeds(app, engine, now=now)


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Length", "0")])
    return []


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the page polls several times a second."""


@dataclass
class Workspace:
    """One Slack workspace of the sandbox: its stand-in Slack, its bot and its database.

    Each workspace's bot has a database of its own, so that each sees only its own
    partnership."""

    key: str
    demo: DemoSetup
    fake: FakeSlack
    relay: SlackRelay
    engine: Engine
    sender: SlackSender
    keeper: SlackCanvasKeeper | None = None


class Sandbox:
    """Starts and stops its servers, all on 127.0.0.1, and moves the sandbox's clock.

    The first workspace holds the demo partnership; with `second_workspace`, a second one
    holds none, for trying "Set up a partnership" from its App Home."""

    relay: SlackRelay  # these five exist once started
    engine: Engine
    settings: Settings
    bot_url: str
    calendars: DemoCalendars

    def __init__(
        self,
        *,
        port: int = 0,
        protocol: str = "rutland",
        data_dir: Path = Path("var") / "sandbox",
        base: Settings | None = None,
        clock: SandboxClock | None = None,
        second_workspace: bool = True,
    ) -> None:
        self.port, self.data_dir = port, data_dir
        self.second_workspace = second_workspace
        self.workspaces: dict[str, Workspace] = {}
        self.protocol = load_protocol(protocol)
        self.demo: DemoSetup = demo_setup(self.protocol)
        self.clock = clock or SandboxClock()
        self.base = base or Settings()
        token, self.signing_secret = f"xoxb-sandbox-{secrets.token_hex(12)}", secrets.token_hex(16)
        self.fake = FakeSlack(tokens={token})
        self.fake.clock = self.clock.now  # a message's ts is its time of posting, as in Slack
        self._token = token
        self._servers: list[Any] = []  # every server made, to close
        self._running: list[tuple[Any, threading.Thread]] = []
        self._jumping = threading.Lock()
        self._ticked = self.clock.today()
        self._jumps: tuple[date, list[Jump]] | None = None

    def start(self) -> Sandbox:
        try:
            self._start()
        except BaseException:
            self.stop()  # nothing half-started outlives a failed start
            raise
        return self

    def _start(self) -> None:
        api = ApiServer(("127.0.0.1", self.port), self)  # first: a busy port changes nothing
        self._servers.append(api)
        self.fake.start()
        add_to_fake(self.demo, self.fake)
        url = self._fresh_database()
        self.engine = make_engine(url)
        bot = make_server(
            "127.0.0.1", 0, _not_ready, _ThreadingWSGIServer, handler_class=_QuietWSGIHandler
        )
        self._servers.append(bot)
        self.settings = self.base.model_copy(
            update={
                "database_url": url,
                "slack_bot_token": self._token,
                "slack_signing_secret": self.signing_secret,
                "slack_api_url": self.fake.base_url,
                "public_url": f"http://127.0.0.1:{bot.server_port}",
            }
        )
        self.calendars = load_demo(self.demo, self.protocol, self.engine, self.clock.now())
        bot.set_app(bot_wsgi_app(self.settings, self.engine, self.clock.now))
        self.bot_url = f"http://127.0.0.1:{bot.server_port}/slack/events"
        self.relay = SlackRelay(
            self.fake, self.bot_url, self.signing_secret, self.demo, self.clock.now
        )
        self.sender = SlackSender(clock_client(self.settings))
        self.keeper = SlackCanvasKeeper(self.sender.client)  # the digest channel's canvas
        first = Workspace(FIRST, self.demo, self.fake, self.relay, self.engine, self.sender)
        first.keeper = self.keeper
        self.workspaces[FIRST] = first
        if self.second_workspace:
            self.workspaces[SECOND] = self._start_second()
        self._tick(self._ticked)  # the clock's first tick, on the morning the sandbox starts
        self._serve(bot)
        self._serve(api)

    def _start_second(self) -> Workspace:
        """The empty workspace: its own stand-in Slack, bot server and database."""
        token = f"xoxb-sandbox-{secrets.token_hex(12)}"
        fake = FakeSlack(tokens={token}, team_id=SECOND_TEAM, bot_user_id="U1BOT", bot_id="B1BOT")
        fake.clock = self.clock.now
        fake.start()
        demo = second_setup(self.protocol)
        add_to_second(demo, fake)
        url = self._fresh_database(SECOND_DATABASE_FILE)
        engine = make_engine(url)
        bot = make_server(
            "127.0.0.1", 0, _not_ready, _ThreadingWSGIServer, handler_class=_QuietWSGIHandler
        )
        self._servers.append(bot)
        settings = self.settings.model_copy(
            update={
                "database_url": url,
                "slack_bot_token": token,
                "slack_api_url": fake.base_url,
                "public_url": f"http://127.0.0.1:{bot.server_port}",
            }
        )
        bot.set_app(bot_wsgi_app(settings, engine, self.clock.now))
        bot_url = f"http://127.0.0.1:{bot.server_port}/slack/events"
        relay = SlackRelay(fake, bot_url, self.signing_secret, demo, self.clock.now)
        sender = SlackSender(clock_client(settings))
        self._serve(bot)
        return Workspace(SECOND, demo, fake, relay, engine, sender)

    def workspace(self, key: Any) -> Workspace:
        """The workspace the page names ("1" unless it says otherwise)."""
        found = self.workspaces.get(str(key or FIRST))
        if found is None:
            raise BoardbotError(f"there is no workspace '{key}'")
        return found

    def stop(self) -> None:
        for server, thread in self._running:
            server.shutdown()
            thread.join()
        for server in self._servers:
            server.server_close()
        self._servers, self._running = [], []
        if hasattr(self, "relay"):
            self.relay.close()
        self.fake.stop()
        if hasattr(self, "engine"):
            self.engine.dispose()
        second = self.workspaces.pop(SECOND, None)
        if second is not None:
            second.relay.close()
            second.fake.stop()
            second.engine.dispose()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}/"

    @property
    def page_token(self) -> str:
        """The token this run's page carries in its API calls."""
        token: str = self._servers[0].token
        return token

    def _serve(self, server: Any) -> None:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        self._running.append((server, thread))

    def _fresh_database(self, name: str = DATABASE_FILE) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / name
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        upgrade(url)
        return url

    # -- the clock -------------------------------------------------------------------------

    def jump(self, day: date) -> Json:
        """Move the clock forward to 09:05 London on `day`, ticking each working day on the
        way at 09:05 in order, so that every prompt goes out on its own day."""
        with self._jumping:
            check_jump(self.clock.today(), day)
            ticked = list(days_to_tick(self._ticked, day))
            total = combined([self._tick(each) for each in ticked])
        days = sum(calendar.is_working_day(each) for each in ticked)
        return {
            "sent": total.sent,
            "recorded": total.recorded,
            "failed": total.failed,
            "working_days": days,
            "quiet": not calendar.is_working_day(day),
            "summary": total.summary(),
            **self._today(),
        }

    def jump_by(self, key: str) -> Json:
        """One of the page's relative jumps: next working day, +1 week, and so on."""
        found = next((j for j in self.jumps() if j.key == key), None)
        if found is None:
            known = ", ".join(j.key for j in self.jumps())
            raise BoardbotError(f"there is no jump called '{key}'; the jumps are {known}")
        return self.jump(found.day)

    def jumps(self) -> list[Jump]:
        today = self.clock.today()
        if self._jumps is None or self._jumps[0] != today:
            self._jumps = (today, relative_jumps(today, self.protocol))
        return self._jumps[1]

    def _tick(self, day: date) -> TickReport:
        self.clock.hold(calendar.at_local_time(day, SEND_TIME))
        try:
            quiet = QuietHours(start=self.settings.quiet_start, end=self.settings.quiet_end)
            report = tick(
                self.engine, self.clock.now(), self.sender, quiet=quiet, keeper=self.keeper
            )
            second = self.workspaces.get(SECOND)
            if second is not None:  # its partnership, once set up, hears from the clock too
                tick(second.engine, self.clock.now(), second.sender, quiet=quiet)
        finally:
            self.clock.release()
        self._ticked = day
        return report

    # -- what the API offers ---------------------------------------------------------------

    def about(self, workspace: str = FIRST) -> Json:
        commands = [
            {"name": name, "usage": usage(name).splitlines()[0] if usage(name) else name}
            for name in FAMILIES
        ]
        public = self.settings.public_url or ""
        calendars = {
            key: {
                "url": tokens.feed_url(public, token),
                "imported": self.calendars.imported.get(key),
            }
            for key, token in self.calendars.tokens.items()
        }
        chosen = self.workspace(workspace)
        return {
            **chosen.demo.as_json(),
            "bot_user_id": chosen.fake.bot_user_id,
            "commands": commands,
            "calendars": calendars if chosen.key == FIRST else {},
            "workspace": chosen.key,
            "workspaces": [
                {"key": each.key, "name": each.demo.team_name} for each in self.workspaces.values()
            ],
            **self._today(),
        }

    def state(self, since: str = "", workspace: str = FIRST) -> Json:
        chosen = self.workspace(workspace)
        state = chosen.fake.state()
        version = f"{state['version']}.{chosen.relay.version}"
        if since == version:
            return {"version": version, "unchanged": True, **self._today()}
        messages = {
            channel: [
                {**m, "sort": f"{m['ts']}:0", **posted_at(float(m["ts"]))}
                for m in listed
                if m.get("thread_ts") in (None, m["ts"])
            ]
            for channel, listed in state["messages"].items()
        }
        ephemerals = [{**e, **posted_at(e["posted"])} for e in chosen.relay.ephemerals(state)]
        return {
            "version": version,
            "channels": state["channels"],
            "messages": messages,
            "ephemerals": ephemerals,
            "modals": chosen.relay.modals(state),
            "homes": state["home_views"],
            "canvases": state["canvases"],
            **self._today(),
        }

    def _today(self) -> Json:
        local = self.clock.now().astimezone(calendar.LONDON)
        return {
            "today": local.date().isoformat(),
            "now_label": f"{local:%a %-d %b %Y, %H:%M}",
            "jumps": [j.as_json() for j in self.jumps()],
        }
