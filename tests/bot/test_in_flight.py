"""Answers give way to acks in flight, and only to them; an answer starts once its own ack is
written."""

from __future__ import annotations

import io
import threading
import time
import urllib.parse

import pytest

from bot.dispatch import InFlight
from bot.web import wsgi_app
from tests.bot.conftest import SECRET, TEAM, Edge, sign


def test_with_no_ack_in_flight_an_answer_does_not_wait() -> None:
    acks = InFlight()
    returned = threading.Event()
    waiter = threading.Thread(target=lambda: (acks.wait_for_acks(3600), returned.set()))
    waiter.start()
    waiter.join(timeout=60)
    assert returned.is_set()


def test_an_answer_waits_until_the_acks_in_flight_are_done() -> None:
    acks = InFlight()
    returned, release = threading.Event(), threading.Event()
    holding = threading.Event()

    def ack() -> None:
        sent = acks.begin()
        holding.set()
        release.wait(60)
        sent()

    acker = threading.Thread(target=ack)
    acker.start()
    holding.wait(60)
    waiter = threading.Thread(target=lambda: (acks.wait_for_acks(3600), returned.set()))
    waiter.start()
    waiter.join(timeout=0.2)
    assert not returned.is_set()  # an ack is in flight: the answer waits, however long it takes
    release.set()
    acker.join(60)
    waiter.join(60)
    assert returned.is_set()


def test_an_answer_waits_no_longer_than_its_limit() -> None:
    acks = InFlight()
    acks.begin()
    acks.wait_for_acks(0.01)  # returns although the ack is still in flight


def test_what_a_request_holds_starts_once_its_response_is_written() -> None:
    acks, started = InFlight(), []
    sent = acks.begin()
    assert acks.hold(lambda: started.append("answer"))
    assert started == []
    acks.wait_for_acks(0.01)  # still in flight: the ack is not written yet
    sent()
    assert started == ["answer"]
    sent()  # a server that closes twice starts nothing twice
    assert started == ["answer"]
    assert not acks.hold(lambda: started.append("late"))  # the request is over: start at once


def test_a_response_the_server_never_closed_ends_with_the_threads_next_request() -> None:
    acks, started = InFlight(), []
    acks.begin()  # a server that never calls close()
    acks.hold(lambda: started.append("first"))
    sent = acks.begin()
    assert started == ["first"]  # late, but not lost
    sent()
    acks.wait_for_acks(3600)  # returns at once: neither is in flight any more


def test_outside_a_request_nothing_is_held() -> None:
    acks = InFlight()
    held: list[bool] = []
    other = threading.Thread(target=lambda: held.append(acks.hold(lambda: None)))
    sent = acks.begin()  # this thread's request does not hold another thread's work
    other.start()
    other.join(60)
    sent()
    assert held == [False]


def test_one_answer_that_cannot_start_spoils_no_other(caplog: pytest.LogCaptureFixture) -> None:
    acks, started = InFlight(), []

    def refuses() -> None:
        raise RuntimeError("the pool is shut")

    sent = acks.begin()
    acks.hold(refuses)
    acks.hold(lambda: started.append("second"))
    sent()
    assert started == ["second"]
    assert "an answer could not be started" in caplog.text


def test_a_commands_answer_waits_for_the_server_to_close_its_ack(edge: Edge) -> None:
    """Called as a WSGI server calls it: nothing reaches Slack until the response is closed."""
    application = wsgi_app(edge.app, engine=edge.engine, signing_secret=SECRET)
    form = {
        "team_id": TEAM,
        "channel_id": "C0LSCB",
        "user_id": "U0LSCBBM",
        "command": "/duties",
        "text": "lrlscb",
        "response_url": edge.fake.response_url("held"),
        "trigger_id": "held.trigger",
    }
    body = urllib.parse.urlencode(form).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "SERVER_PROTOCOL": "HTTP/1.1",  # Bolt answers 400 to a request without it
        "PATH_INFO": "/slack/events",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(body.decode()).items()},
    }
    statuses: list[str] = []
    response = application(environ, lambda status, headers: statuses.append(status))
    try:
        assert b"".join(response) == b"" and statuses == ["200 OK"]
        time.sleep(0.5)  # long enough for an answer that had started to reach the stand-in
        assert not [r for r in edge.fake.responses() if r.key == "held"]
    finally:
        response.close()  # type: ignore[attr-defined]
    assert edge.slack.response("held", timeout=15).blocks
