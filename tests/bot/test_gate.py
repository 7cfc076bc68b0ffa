"""Before the signature nothing expensive: the size from the headers, the signature, the shape."""

from __future__ import annotations

import io
import logging
import urllib.parse
from collections.abc import Iterable
from http.client import HTTPConnection
from typing import Any

import pytest

from bot.gate import MAX_BODY
from bot.web import wsgi_app
from tests.bot.conftest import SECRET, TEAM, Edge, http, sign


class Endless(io.RawIOBase):
    """A request body that never ends, counting what is read of it."""

    def __init__(self) -> None:
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an unbounded read of a body without a length"
        self.read_so_far += size
        return b"a" * size


def call(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    """The WSGI app called as a server calls it: its status and body, then close()."""
    started: list[str] = []
    body: Iterable[bytes] = app(environ, lambda status, headers: started.append(status))
    try:
        return started[0], b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()


def environ(body: io.RawIOBase | io.BytesIO, **headers: str) -> dict[str, Any]:
    """A POST to /slack/events as a server hands it over; no CONTENT_LENGTH when chunked."""
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": body,
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bbad", "application/x-www-form-urlencoded"),
        ("{bad", "application/json"),
        ("command=%2Fduties&text=lrlscb", "application/x-www-form-urlencoded"),
    ],
)
def test_an_unsigned_request_gets_401_without_a_traceback(
    edge: Edge, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    status, answer = http(f"{edge.slack.url}/slack/events", body, {"Content-Type": content_type})
    assert (status, answer) == (401, "invalid request signature")
    assert tracebacks(caplog) == [] and edge.fake.calls == []


@pytest.mark.parametrize("timestamp", ["soon", "1e9", "-1", "12.5", "9" * 40])
def test_a_timestamp_that_is_not_a_number_gets_401(
    edge: Edge, caplog: pytest.LogCaptureFixture, timestamp: str
) -> None:
    caplog.set_level(logging.INFO)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    status, answer = http(f"{edge.slack.url}/slack/events", '{"type": "x"}', headers)
    assert (status, answer) == (401, "invalid request timestamp")
    assert tracebacks(caplog) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bbad", "application/x-www-form-urlencoded"),
        ("payload=%5B1%5D", "application/x-www-form-urlencoded"),
        ("payload=%7B%7D&payload=%7B%7D", "application/x-www-form-urlencoded"),
        ("token=x&payload=%7Bbad", "application/x-www-form-urlencoded"),
        ("{bad", "application/json"),
        ("[1, 2]", "application/json"),
    ],
)
def test_a_signed_but_malformed_body_gets_400_without_a_traceback(
    edge: Edge, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    headers = {**sign(body), "Content-Type": content_type}
    status, answer = http(f"{edge.slack.url}/slack/events", body, headers)
    assert (status, answer) == (400, "malformed request body")
    assert tracebacks(caplog) == [] and edge.fake.calls == []


def test_a_body_over_the_limit_is_refused_from_its_length_before_it_is_sent(edge: Edge) -> None:
    """The client says 50 MB and sends none of it: an answer proves nothing waited to read."""
    host, port = edge.slack.url.removeprefix("http://").split(":")
    connection = HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(50 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        assert (response.status, response.read()) == (413, b"request body too large")
    finally:
        connection.close()


@pytest.mark.parametrize("length", ["lots", "-5", "1e3", "١٢"])
def test_a_length_that_is_not_a_number_gets_400(edge: Edge, length: str) -> None:
    app = wsgi_app(edge.app, engine=edge.engine, signing_secret=SECRET)
    request = environ(io.BytesIO(b"x"), **sign("x"))
    assert call(app, {**request, "CONTENT_LENGTH": length}) == (
        "400 Bad Request",
        b"invalid Content-Length",
    )


def test_a_chunked_body_is_read_no_further_than_the_limit(edge: Edge) -> None:
    app = wsgi_app(edge.app, engine=edge.engine, signing_secret=SECRET)
    endless = Endless()
    status, body = call(app, environ(endless))
    assert (status, body) == ("413 Payload Too Large", b"request body too large")
    assert endless.read_so_far == MAX_BODY + 1


def test_a_small_chunked_command_reaches_bolt_and_is_answered(edge: Edge) -> None:
    """Without Content-Length Bolt would read nothing; the gate hands it the body it read."""
    app = wsgi_app(edge.app, engine=edge.engine, signing_secret=SECRET)
    form = urllib.parse.urlencode(
        {
            "team_id": TEAM,
            "channel_id": "C0LSCB",
            "user_id": "U0LSCBBM",
            "command": "/duties",
            "text": "lrlscb",
            "response_url": edge.fake.response_url("chunked"),
            "trigger_id": "chunked.trigger",
        }
    )
    status, answer = call(app, environ(io.BytesIO(form.encode()), **sign(form)))
    assert status.startswith("200"), answer
    assert edge.slack.response("chunked").blocks


def test_a_body_that_is_not_utf8_gets_400(edge: Edge) -> None:
    app = wsgi_app(edge.app, engine=edge.engine, signing_secret=SECRET)
    request = environ(io.BytesIO(b"text=\xff\xfe"), **sign("x"))
    assert call(app, {**request, "CONTENT_LENGTH": "7"}) == (
        "400 Bad Request",
        b"request body is not UTF-8",
    )
