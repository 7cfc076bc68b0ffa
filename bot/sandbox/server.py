"""The sandbox's servers: the fake Slack, the bot over signed HTTP, the page and its JSON API."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
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
from bot.sandbox.demo import DemoSetup, add_to_fake, demo_setup
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
DATABASE_FILE = "boardbot.sqlite3"


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


class Sandbox:
    """Starts and stops the three servers, all on 127.0.0.1, and moves the sandbox's clock."""

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
    ) -> None:
        self.port, self.data_dir = port, data_dir
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
        self._tick(self._ticked)  # the clock's first tick, on the morning the sandbox starts
        self._serve(bot)
        self._serve(api)

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

    def _fresh_database(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / DATABASE_FILE
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
        finally:
            self.clock.release()
        self._ticked = day
        return report

    # -- what the API offers ---------------------------------------------------------------

    def about(self) -> Json:
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
        return {
            **self.demo.as_json(),
            "bot_user_id": self.fake.bot_user_id,
            "commands": commands,
            "calendars": calendars,
            **self._today(),
        }

    def state(self, since: str = "") -> Json:
        state = self.fake.state()
        version = f"{state['version']}.{self.relay.version}"
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
        ephemerals = [{**e, **posted_at(e["posted"])} for e in self.relay.ephemerals(state)]
        return {
            "version": version,
            "channels": state["channels"],
            "messages": messages,
            "ephemerals": ephemerals,
            "modals": self.relay.modals(state),
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
