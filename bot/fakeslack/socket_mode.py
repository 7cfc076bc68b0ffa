"""Slack's side of Socket Mode: the WebSocket `apps.connections.open` hands out, on 127.0.0.1.

An app connects with the URL (ws://127.0.0.1:PORT/link/?ticket=…), is greeted with `hello`,
and is sent envelopes in Slack's shapes (`slash_commands`, `interactive`, `events_api`); each
must be acknowledged with its `envelope_id`, and a view submission's acknowledgement may carry
a payload (`response_action`), as over HTTP it would be the response body.

The server is the `websockets` package's (a test dependency): it is imported when the first
connection is opened, so that the sandbox runs without it.
"""

from __future__ import annotations

import json
import threading
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.fakeslack.wire import ApiError, Json

if TYPE_CHECKING:
    from websockets.http11 import Request, Response
    from websockets.sync.server import Server, ServerConnection

APP_ID = "A0FAKE"
LINK_PATH = "/link/"


class SocketModeLink:
    """The WebSocket server; started by the first `apps.connections.open`, stopped with the fake."""

    def __init__(self, app_id: str = APP_ID) -> None:
        self.app_id = app_id
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, Json] = {}
        self.connected = 0  # connections ever opened: a reconnect counts again

    # -- the server ------------------------------------------------------------------------

    def start(self) -> Self:
        from websockets.sync.server import serve

        with self._cond:
            if self._server is None:
                self._server = serve(
                    self._serve, "127.0.0.1", 0, process_request=self._admit, compression=None
                )
                self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
                self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None and thread is not None:
            server.shutdown()  # closes every connection, then the listening socket
            thread.join()

    def open(self) -> Json:
        """apps.connections.open: a fresh URL, good for one connection."""
        self.start()
        assert self._server is not None
        port = self._server.socket.getsockname()[1]
        ticket = uuid.uuid4().hex
        with self._cond:
            self._tickets.add(ticket)
        return {"url": f"ws://127.0.0.1:{port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"}

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake of a URL that was not handed out, or was used already."""
        parts = urlsplit(request.path)
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._cond:
            if parts.path == LINK_PATH and ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")

    def _serve(self, connection: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        with self._cond:
            self._connections.append(connection)
            self.connected += 1
            self._cond.notify_all()
        try:
            connection.send(json.dumps(self.hello()))
            for message in connection:
                self._received(message)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self._connections.remove(connection)
                self._cond.notify_all()

    def hello(self) -> Json:
        with self._cond:
            count = len(self._connections)
        return {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _received(self, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            return  # Slack ignores what it cannot read; the envelope then stays unacknowledged
        if isinstance(ack, dict) and ack.get("envelope_id"):
            with self._cond:
                self._acks[str(ack["envelope_id"])] = ack
                self._cond.notify_all()

    # -- what a test does ------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> bool:
        """True once `count` connections have been opened and one is open."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self.connected >= count and bool(self._connections), timeout
            )

    def deliver(self, kind: str, payload: Json, **extra: Any) -> str:
        """Send one envelope to the newest connection; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        self.deliver_raw({"envelope_id": envelope_id, "type": kind, "payload": payload, **extra})
        return envelope_id

    def deliver_raw(self, message: Json) -> None:
        with self._cond:
            if not self._connections:
                raise ApiError("no_connection")
            connection = self._connections[-1]
        connection.send(json.dumps(message))

    def refresh(self) -> None:
        """Ask the app to move to a new connection, as Slack does every few hours."""
        self.deliver_raw({"type": "disconnect", "reason": "refresh_requested"})

    def drop(self) -> None:
        """Close every connection from Slack's side, without a word first."""
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            connection.close()

    def ack(self, envelope_id: str, timeout: float = 10.0) -> Json | None:
        """The acknowledgement of an envelope, once the app has sent it."""
        with self._cond:
            self._cond.wait_for(lambda: envelope_id in self._acks, timeout)
            return self._acks.get(envelope_id)
