"""A calendar server on 127.0.0.1 for the tests: real HTTP, scripted answers, requests recorded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FEEDS = Path(__file__).parent / "feeds"


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@dataclass
class Answer:
    """What the server says for a path: a status, headers and a body (or a stall)."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answered 304 when If-None-Match names it
    last_modified: str | None = None  # answered 304 when If-Modified-Since repeats it
    stall: bool = False  # never answer (until the server stops)
    declare_length: bool = True  # without Content-Length the body runs until the line closes


@dataclass
class FeedServer:
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [r for r in self.requests if r["path"] == path]


def handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append({"path": self.path, **dict(self.headers.items())})
            answer = server.answers.get(self.path, Answer(b"not found", 404))
            if answer.stall:
                server.released.wait(30)
                return
            if unchanged(self.headers, answer):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(answer.status)
            headers = {"Content-Type": "text/calendar; charset=utf-8", **answer.headers}
            if answer.declare_length:
                headers.setdefault("Content-Length", str(len(answer.body)))
            if answer.etag:
                headers["ETag"] = answer.etag
            if answer.last_modified:
                headers["Last-Modified"] = answer.last_modified
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep access lines out of test output."""

    return Handler


def unchanged(headers: Any, answer: Answer) -> bool:
    if answer.etag and headers.get("If-None-Match") == answer.etag:
        return True
    return bool(answer.last_modified and headers.get("If-Modified-Since") == answer.last_modified)


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
