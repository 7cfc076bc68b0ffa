"""The HTTP face: POST /slack/events to Bolt and GET /healthz, served by gunicorn's threads.

Installed by OAuth, it also serves GET /slack/install and GET /slack/oauth_redirect (Bolt's)."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.app import build_app
from bot.calendar_feed import with_calendar_feeds
from bot.dispatch import SLACK_REQUESTS
from bot.gate import SignedRequests
from bot.health import Health
from bot.oauth import INSTALL_PATH, REDIRECT_PATH, check_mode
from bot.settings import Settings, load_settings
from storage.db import make_engine

EVENTS_PATH, HEALTH_PATH = "/slack/events", "/healthz"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

ACK_SWITCH_INTERVAL = 0.0005  # seconds


def wsgi_app(bolt_app: App, *, engine: Engine, signing_secret: str) -> WsgiApp:
    """Slack's signed requests to Bolt, a health check for load balancers, 404 for the rest."""
    # Answers run in threads after the ack; a shorter GIL switch interval lets a request
    # thread that only has to ack get the interpreter sooner (5 ms by default).
    sys.setswitchinterval(ACK_SWITCH_INTERVAL)
    events = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    gate, health = SignedRequests(signing_secret), Health(engine)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == EVENTS_PATH and method == "POST":
            sent = SLACK_REQUESTS.begin()
            body: Iterable[bytes]
            try:
                refused = gate.admit(environ)
                if refused is not None:
                    body = _plain(start_response, refused.status, refused.reason.encode())
                else:
                    body = events(environ, start_response)
            except BaseException:
                sent()
                raise
            return AfterSending(body, sent)
        if path in (INSTALL_PATH, REDIRECT_PATH) and method == "GET" and bolt_app.oauth_flow:
            return events(environ, start_response)  # the install page, and Slack's redirect
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            problem = health.problem()
            if problem is not None:
                return _plain(start_response, "503 Service Unavailable", problem.encode())
            return _plain(start_response, "200 OK", b"ok")
        return _plain(start_response, "404 Not Found", b"not found")

    return application


class AfterSending:
    """A response that ends its ack when the server closes it: every WSGI server calls close()
    once it has written the response, or failed to (PEP 3333)."""

    def __init__(self, body: Iterable[bytes], sent: Callable[[], None]) -> None:
        self.body, self.sent = body, sent

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.sent()


def _plain(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def create_wsgi_app(answer_processes: int = 0) -> WsgiApp:
    """The app a web process serves, built from the environment (once per worker)."""
    settings = load_settings()
    check_mode(settings)
    engine = make_engine(settings.database_url)
    app = build_app(settings, engine, answer_processes=answer_processes)
    warm_up()
    return with_calendar_feeds(
        wsgi_app(app, engine=engine, signing_secret=settings.slack_signing_secret or ""), engine
    )


def warm_up() -> None:
    """Pay first-use costs (dateparser's) at start-up, not in someone's first command; then set
    aside what start-up built. A full garbage collection walks every object the process holds
    (about 60 ms once the app is loaded), stopping every thread, acks included; frozen, the
    objects that live as long as the process are never walked again."""
    try:
        dates = importlib.import_module("commands.dates")
    except ModuleNotFoundError as missing:
        if missing.name != "commands.dates":
            raise
    else:
        dates.warm_up()
    gc.collect()  # start-up's garbage goes first: frozen, it would never be freed
    gc.freeze()


class WebServer(BaseApplication):
    """gunicorn run programmatically: gthread workers, since Bolt works on after each ack."""

    def __init__(self, options: dict[str, Any], answer_processes: int = 0) -> None:
        self.options, self.answer_processes = options, answer_processes
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        return create_wsgi_app(self.answer_processes)


def serve(
    settings: Settings, *, host: str, workers: int, threads: int, answer_processes: int = 0
) -> None:
    """Run until stopped (SIGTERM finishes requests in flight, then exits)."""
    options = {
        "bind": f"{host}:{settings.port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": False,  # each worker builds its own engine and pool after the fork
        "accesslog": None,  # request lines would carry nothing useful and bodies never
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "timeout": 30,
        "graceful_timeout": 10,
        "proc_name": "boardbot-web",
    }
    WebServer(options, answer_processes).run()
