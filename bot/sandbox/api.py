"""The sandbox page and its JSON API, for this machine's browser only.

A web page on another site could otherwise drive the API from the person's browser (it is on
127.0.0.1 and needs no login). So every request must name this server as its Host (which
defeats DNS rebinding), a browser's Origin must be this server, and API calls must carry the
token that the page received when it loaded, which another site cannot read.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox.relay import Json, SlackRelay
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

STATIC = Path(__file__).parent / "static"
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
TOKEN_HEADER = "X-Sandbox-Token"
TOKEN_PLACEHOLDER = "{{sandbox_token}}"
MAX_BODY = 1024 * 1024  # bytes; the page sends a command or a form at a time
LOCAL_NAMES = ("127.0.0.1", "localhost")


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox, self.token = sandbox, secrets.token_urlsafe(24)
        super().__init__(address, ApiHandler)
        port = self.server_address[1]
        self.hosts = {f"{name}:{port}" for name in LOCAL_NAMES}
        self.origins = {f"http://{host}" for host in self.hosts}

    def refusal(self, path: str, headers: Any) -> str | None:
        """Why a request is not from this machine's sandbox page, or None when it is."""
        if headers.get("Host") not in self.hosts:
            return "this server answers only as 127.0.0.1 or localhost"
        origin = headers.get("Origin")
        if origin is not None and origin not in self.origins:
            return "cross-site requests are refused"
        given = str(headers.get(TOKEN_HEADER) or "")
        if path.startswith("/api/") and not secrets.compare_digest(given, self.token):
            return "this needs the token of the page the sandbox served; reload the page"
        return None


class ApiHandler(BaseHTTPRequestHandler):
    timeout = 30.0

    @property
    def _api(self) -> ApiServer:
        assert isinstance(self.server, ApiServer)
        return self.server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if self._refused(parts.path):
            return
        query = dict(parse_qsl(parts.query))
        if parts.path == "/api/state":
            sandbox, workspace = self._api.sandbox, query.get("workspace", "1")
            self._json(200, sandbox.state(query.get("since", ""), workspace))
        elif parts.path == "/api/workspace":
            self._json(200, self._api.sandbox.about(query.get("workspace", "1")))
        elif parts.path == "/":
            self._static("index.html")
        elif parts.path.startswith("/static/"):
            self._static(parts.path.removeprefix("/static/"))
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if self._refused(path):
            return
        length = str(self.headers.get("Content-Length") or "0")
        if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY:
            self._json(413 if length.isdigit() else 400, {"error": "bad request body"})
            return
        try:
            body = json.loads(self.rfile.read(int(length)) or b"{}")
            route = POST_ROUTES.get(path)
            if route is None or not isinstance(body, dict):
                self._json(404, {"error": "not_found"})
                return
            self._json(200, route(self._api.sandbox, body))
        except (ValueError, KeyError, LookupError, BoardbotError) as exc:
            self._json(400, {"error": str(exc)})

    def _refused(self, path: str) -> bool:
        refusal = self._api.refusal(path, self.headers)
        if refusal is not None:
            self._json(403, {"error": f"forbidden: {refusal}"})
        return refusal is not None

    def _static(self, name: str) -> None:
        files = {p.name: p for p in STATIC.iterdir() if p.suffix in CONTENT_TYPES}
        if name not in files:
            self._json(404, {"error": "not_found"})
            return
        data = files[name].read_bytes()
        if name == "index.html":  # the page carries this run's token for its API calls
            data = data.replace(TOKEN_PLACEHOLDER.encode(), self._api.token.encode())
        self._send(200, f"{CONTENT_TYPES[files[name].suffix]}; charset=utf-8", data)

    def _json(self, status: int, body: Json) -> None:
        self._send(status, "application/json; charset=utf-8", json.dumps(body).encode("utf-8"))

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Frame-Options", "DENY")  # no other site may frame the page
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the page polls several times a second."""


def _parse_day(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BoardbotError(f"'{value}' is not a date; write YYYY-MM-DD") from None


def _user(body: Json) -> str:
    return str(body["user"])


def _relay(sandbox: Sandbox, body: Json) -> SlackRelay:
    """The relay of the workspace the page is showing."""
    return sandbox.workspace(body.get("workspace")).relay


def _upload(sandbox: Sandbox, body: Json) -> Json:
    """A file the person picked in a form's file input, uploaded to their workspace's Slack."""
    fake = sandbox.workspace(body.get("workspace")).fake
    return {"file": fake.add_file(_user(body), str(body["name"]), str(body["content"]).encode())}


POST_ROUTES: dict[str, Callable[[Sandbox, Json], Json]] = {
    "/api/command": lambda s, b: _relay(s, b).command(_user(b), str(b["channel"]), str(b["text"])),
    "/api/action": lambda s, b: _relay(s, b).action(_user(b), str(b.get("channel") or ""), b),
    "/api/submit": lambda s, b: _relay(s, b).submit(_user(b), str(b["view_id"]), dict(b["values"])),
    "/api/close": lambda s, b: _relay(s, b).close_modal(_user(b), str(b["view_id"])),
    "/api/home": lambda s, b: _relay(s, b).home_opened(_user(b)),
    "/api/upload": _upload,
    "/api/jump": lambda s, b: (
        s.jump_by(str(b["to"])) if "to" in b else s.jump(_parse_day(b["date"]))
    ),
    "/api/loaded": lambda s, b: _relay(s, b).close_every_modal(),
}
