"""The fake's HTTP layer: a loopback server on its own thread, request decoding and replies."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from bot.fakeslack.files import FILES_PREFIX, UPLOAD_PREFIX, RawReply
from bot.fakeslack.oauth import AUTHORIZE_PAGE
from bot.fakeslack.wire import RESPONSE_URL_METHOD, Json, Reply

# The logger keeps the name it had before the HTTP layer moved here, so log filters still match.
_log = logging.getLogger("bot.fakeslack.server")
# Form-encoded clients send structured arguments as JSON strings; Slack decodes them server-side.
JSON_PARAMS = ("blocks", "attachments", "metadata", "view")
AUTHORIZE_PATH = "/oauth/v2/authorize"


class LoopbackService:
    """Serves `handle` and `state` over HTTP on 127.0.0.1 from a background thread."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._server: SlackHttpServer | None = None
        self._thread: threading.Thread | None = None

    def handle(self, method: str, params: Json, headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    def state(self) -> Json:
        raise NotImplementedError

    def raw(self, method: str, path: str, body: bytes) -> RawReply:
        """Bytes in or out: an upload URL (POST) or a file's address (GET)."""
        raise NotImplementedError

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        self._stopping.clear()
        self._server = SlackHttpServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes handlers parked in an injected delay
        server.shutdown()
        server.server_close()  # joins handler threads, so no socket outlives the fake
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def base_url(self) -> str:
        return f"{self.url}api/"

    def _pause(self, seconds: float) -> None:
        """Hold an answer back, but let stop() cut the wait short."""
        self._stopping.wait(seconds)


class SlackHttpServer(ThreadingHTTPServer):
    """One handler thread per request, all joined on close."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, fake: LoopbackService) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), SlackRequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client gave up first (e.g. its own timeout); nothing to report
        _log.exception("fake Slack request failed")


class SlackRequestHandler(BaseHTTPRequestHandler):
    """Maps `/api/<method>`, `/response/<key>`, `/oauth/v2/authorize`, `/_fake/state`, upload
    URLs and files' addresses onto the fake."""

    # Bounds how long a silent client can hold a handler thread, and so how long stop() waits.
    timeout = 5.0

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/_fake/state":
            self._send(Reply(200, self._fake.state()))
        elif path.startswith(FILES_PREFIX):
            self._send_raw(self._fake.raw("GET", path, b""))
        else:
            self._route({})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(UPLOAD_PREFIX):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send_raw(self._fake.raw("POST", path, raw))
            return
        try:
            body = self._read_body()
        except (ValueError, UnicodeDecodeError):
            self._send(Reply(200, {"ok": False, "error": "invalid_json"}))
            return
        self._route(body)

    @property
    def _fake(self) -> LoopbackService:
        assert isinstance(self.server, SlackHttpServer)
        return self.server.fake

    def _read_body(self) -> Json:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get_content_type() == "application/json":
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            return data
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))

    def _route(self, body: Json) -> None:
        parts = urlsplit(self.path)
        params = decode_params(parts.query, body)
        headers = dict(self.headers.items())
        if parts.path.startswith("/api/"):
            reply = self._fake.handle(parts.path[len("/api/") :], params, headers)
        elif parts.path.startswith("/response/"):
            params["_key"] = parts.path[len("/response/") :]
            reply = self._fake.handle(RESPONSE_URL_METHOD, params, headers)
        elif parts.path == AUTHORIZE_PATH:  # a person's browser on Slack's authorize page
            reply = self._fake.handle(AUTHORIZE_PAGE, params, headers)
        else:
            reply = Reply(404, {"ok": False, "error": "not_found"})
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        data = json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")  # the sandbox page polls cross-origin
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_raw(self, reply: RawReply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep per-request access logs out of test output."""


def decode_params(query: str, body: Json) -> Json:
    """Query and body arguments merged, body winning, with JSON-string arguments decoded."""
    params: Json = {**dict(parse_qsl(query, keep_blank_values=True)), **body}
    for key in JSON_PARAMS:
        if isinstance(params.get(key), str) and params[key][:1] in ("[", "{"):
            # Undecodable JSON stays a string, which the method rejects as Slack would.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params
