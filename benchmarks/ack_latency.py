"""Ack latency of `/duties` under 50 concurrent signed requests, beside a bare Bolt app.

Usage: python benchmarks/ack_latency.py [--requests N] [--concurrency C]
Starts a fake Slack Web API, a temporary SQLite database with the rutland partnership, and two
HTTP servers on 127.0.0.1 (the same threaded WSGI server for both): boardbot's WSGI app, and a
bare Bolt app whose command listener only acks. Prints p50/p99 of the time from sending a signed
slash command to its HTTP answer (the ack), the ratio (target <= 1.5), the start-up time to the
first ack, and how long boardbot took to finish the work behind the acks.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlmodel import Session

from bot.app import build_app
from bot.fakeslack import FakeSlack
from bot.settings import Settings
from bot.web import wsgi_app
from schedules.protocol import load_protocol
from schedules.protocol.store import store_protocol
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Membership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person

TOKEN, SECRET = "xoxb-fake-benchmark", "fake-benchmark-signing-secret"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
USER, CHANNEL = "U0LSCBBM", "C0LSCB"
_keys = itertools.count(1)


class ThreadingServer(ThreadingMixIn, WSGIServer):
    request_queue_size = 128  # 50 clients connect at once
    daemon_threads = False
    block_on_close = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access lines."""


def serve(app: Callable[..., Any]) -> tuple[WSGIServer, threading.Thread]:
    server = make_server(
        "127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    return server, thread


def seed(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        store_protocol(load_protocol("rutland"), session=session, now=NOW)
        session.flush()
        partnership = partnership_by_key("rutland", session=session)
        assert partnership is not None and partnership.id is not None
        board = board_by_key(partnership.id, "lrlscb", session=session)
        assert board is not None and board.id is not None
        board.channel_id = CHANNEL
        person = ensure_person(USER, session=session)
        assert person.id is not None
        session.add(Membership(person_id=person.id, board_id=board.id, role="business_manager"))
        session.commit()
    engine.dispose()


def bare_app(api_url: str) -> App:
    """Bolt with nothing behind the ack, in the same mode as boardbot (ack, then return)."""
    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.command("/duties")
    def noop(ack: Ack) -> None:
        ack()

    return app


def slash_command(port: int, fake_url: str) -> float:
    """Send one signed `/duties lrlscb`; the seconds until its HTTP answer."""
    key = f"bench{next(_keys)}"
    form = {
        "token": "legacy",
        "team_id": "T0FAKE",
        "team_domain": "boards",
        "channel_id": CHANNEL,
        "channel_name": "lrlscb-board",
        "user_id": USER,
        "user_name": "business-manager",
        "command": "/duties",
        "text": "lrlscb",
        "api_app_id": "A0FAKE",
        "response_url": f"{fake_url}response/{key}",
        "trigger_id": f"{key}.trigger",
    }
    body = urllib.parse.urlencode(form)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
            timestamp=timestamp, body=body
        ),
    }
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}")
    return elapsed


def load(port: int, fake_url: str, requests: int, concurrency: int) -> list[float]:
    with ThreadPoolExecutor(max_workers=concurrency) as clients:
        return list(clients.map(lambda _: slash_command(port, fake_url), range(requests)))


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def server_process(kind: str, database_url: str, api_url: str, pipe: Connection) -> None:
    """A server on its own, as in production: Slack and the clients are elsewhere."""
    started = time.perf_counter()
    fake_api = Settings(
        DATABASE_URL=database_url, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
    )  # fmt: skip
    engine = make_engine(database_url)
    app = build_app(fake_api, engine, now=lambda: NOW) if kind == "boardbot" else bare_app(api_url)
    server, thread = serve(wsgi_app(app, engine=engine, signing_secret=SECRET))
    pipe.send((int(server.server_address[1]), time.perf_counter() - started))
    pipe.recv()  # the load is over
    server.shutdown()
    server.server_close()
    thread.join()
    drained = time.perf_counter()
    app.listener_runner.listener_executor.shutdown(wait=True)
    pipe.send(time.perf_counter() - drained)


def fake_process(pipe: Connection) -> None:
    """Slack's Web API in a process of its own, so its work is charged to neither side."""
    with FakeSlack(tokens={TOKEN}) as fake:
        fake.add_channel(CHANNEL, "lrlscb-board")
        pipe.send(fake.url)
        pipe.recv()
        pipe.send(sum(1 for r in fake.responses() if r.blocks))


def measure(
    kind: str, database_url: str, fake_url: str, args: argparse.Namespace
) -> tuple[float, float]:
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    started = time.perf_counter()
    process = spawn.Process(
        target=server_process, args=(kind, database_url, f"{fake_url}api/", child)
    )
    process.start()
    port, built = parent.recv()
    slash_command(port, fake_url)
    first_ack = time.perf_counter() - started
    load(port, fake_url, 20, 5)  # warm: connections, caches
    samples = load(port, fake_url, args.requests, args.concurrency)
    parent.send("stop")
    drain = parent.recv()
    process.join()
    p50, p99 = percentile(samples, 50) * 1000, percentile(samples, 99) * 1000
    print(
        f"{kind:<9} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  ({len(samples)} requests); "
        f"first ack {first_ack:.2f} s after the process started (app built in {built:.2f} s); "
        f"work behind the acks done {drain:.1f} s after the last"
    )
    return p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    spawn = multiprocessing.get_context("spawn")
    to_fake, fake_end = spawn.Pipe()
    fake = spawn.Process(target=fake_process, args=(fake_end,))
    fake.start()
    fake_url = to_fake.recv()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/boardbot.sqlite3"
        seed(url)
        print(
            f"{args.concurrency} concurrent signed /duties requests on 127.0.0.1, SQLite; "
            "the server, the fake Slack and the clients each in a process of their own"
        )
        bare = measure("bare Bolt", url, fake_url, args)
        ours = measure("boardbot", url, fake_url, args)
    to_fake.send("stop")
    answered = to_fake.recv()
    fake.join()
    ratios = f"p50 {ours[0] / bare[0]:.2f}, p99 {ours[1] / bare[1]:.2f}"
    print(f"ratio boardbot / bare Bolt: {ratios} (target <= 1.5)")
    print(f"{answered} /duties answers reached the fake response_url")


if __name__ == "__main__":
    main()
