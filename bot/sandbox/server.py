"""The sandbox's servers: the fake Slack, the bot over signed HTTP, the page and its JSON API."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine

from bot.app import build_app
from bot.fakeslack import FakeSlack
from bot.sandbox.api import ApiServer
from bot.sandbox.demo import DemoSetup, add_to_fake, apply_demo, demo_setup
from bot.sandbox.relay import Json, SlackRelay
from bot.sender import SlackSender
from bot.settings import Settings
from bot.slack_client import clock_client
from bot.web import WsgiApp, warm_up, wsgi_app
from commands.registry import FAMILIES, usage
from schedules import calendar
from schedules.clock import QuietHours, tick
from schedules.protocol import load_protocol
from storage.db import make_engine
from storage.errors import BoardbotError
from storage.migrate import upgrade

log = logging.getLogger(__name__)
JUMP_TIME = time(9, 5)  # just after the clock's 09:00 send time, London
DATABASE_FILE = "boardbot.sqlite3"
JUMP_RANGE = relativedelta(years=10)  # from today, either way: a decade of cycles to try


class SandboxClock:
    """The sandbox's 'now': real time, moved by each jump; the bot and the clock both read it."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return calendar.utcnow() + self._offset

    def jump_to(self, instant: datetime) -> None:
        with self._lock:
            self._offset = instant - calendar.utcnow()


def bot_wsgi_app(settings: Settings, engine: Engine, now: Callable[[], datetime]) -> WsgiApp:
    """The one place the bot's web app is made: what `boardbot web` serves, on our clock."""
    warm_up()
    bolt = build_app(settings, engine, now=now)
    return wsgi_app(bolt, engine=engine, signing_secret=settings.slack_signing_secret or "")


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the page polls several times a second."""


class Sandbox:
    """Starts and stops the three servers, all on 127.0.0.1, and moves the sandbox's clock."""

    relay: SlackRelay  # these four exist once started
    engine: Engine
    settings: Settings
    bot_url: str

    def __init__(
        self,
        *,
        port: int = 0,
        protocol: str = "rutland",
        data_dir: Path = Path("var") / "sandbox",
        base: Settings | None = None,
    ) -> None:
        self.port, self.data_dir = port, data_dir
        self.protocol = load_protocol(protocol)
        self.demo: DemoSetup = demo_setup(self.protocol)
        self.clock = SandboxClock()
        self.base = base or Settings()
        token, self.signing_secret = f"xoxb-sandbox-{secrets.token_hex(12)}", secrets.token_hex(16)
        self.fake = FakeSlack(tokens={token})
        self._token = token
        self._servers: list[Any] = []  # every server made, to close
        self._running: list[tuple[Any, threading.Thread]] = []

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
        apply_demo(self.demo, self.protocol, self.engine, self.clock.now())
        self.settings = self.base.model_copy(
            update={
                "database_url": url,
                "slack_bot_token": self._token,
                "slack_signing_secret": self.signing_secret,
                "slack_api_url": self.fake.base_url,
            }
        )
        app = bot_wsgi_app(self.settings, self.engine, self.clock.now)
        bot = make_server(
            "127.0.0.1", 0, app, _ThreadingWSGIServer, handler_class=_QuietWSGIHandler
        )
        self.bot_url = f"http://127.0.0.1:{bot.server_port}/slack/events"
        self.relay = SlackRelay(self.fake, self.bot_url, self.signing_secret, self.demo)
        self.sender = SlackSender(clock_client(self.settings))
        self._servers.append(bot)
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

    # -- what the API offers ---------------------------------------------------------------

    def jump(self, day: date) -> Json:
        """Move the clock to 09:05 London on `day` and run the clock's tick there."""
        today = calendar.london_date(calendar.utcnow())
        earliest, latest = today - JUMP_RANGE, today + JUMP_RANGE
        if not earliest <= day <= latest:
            raise BoardbotError(
                f"{day.isoformat()} is too far away; jump to a day between "
                f"{earliest.isoformat()} and {latest.isoformat()}"
            )
        instant = calendar.at_local_time(day, JUMP_TIME)
        self.clock.jump_to(instant)
        quiet = QuietHours(start=self.settings.quiet_start, end=self.settings.quiet_end)
        report = tick(self.engine, instant, self.sender, quiet=quiet)
        return {
            "sent": report.sent,
            "recorded": report.recorded,
            "failed": report.failed,
            "quiet": not quiet.allows(instant),
            "summary": report.summary(),
            **self._today(),
        }

    def about(self) -> Json:
        commands = [
            {"name": name, "usage": usage(name).splitlines()[0] if usage(name) else name}
            for name in FAMILIES
        ]
        return {
            **self.demo.as_json(),
            "bot_user_id": self.fake.bot_user_id,
            "commands": commands,
            **self._today(),
        }

    def state(self, since: str = "") -> Json:
        state = self.fake.state()
        version = f"{state['version']}.{self.relay.version}"
        if since == version:
            return {"version": version, "unchanged": True}
        messages = {
            channel: [
                {**m, "sort": f"{m['ts']}:0"}
                for m in listed
                if m.get("thread_ts") in (None, m["ts"])
            ]
            for channel, listed in state["messages"].items()
        }
        return {
            "version": version,
            "channels": state["channels"],
            "messages": messages,
            "ephemerals": self.relay.ephemerals(state),
            "modals": self.relay.modals(state),
            "homes": state["home_views"],
            **self._today(),
        }

    def _today(self) -> Json:
        local = self.clock.now().astimezone(calendar.LONDON)
        return {"today": local.date().isoformat(), "now_label": f"{local:%a %-d %b %Y, %H:%M}"}
