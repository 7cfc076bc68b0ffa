"""When a Slack client repeats a call: never a post that may have been made, never a long wait."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers, handler

from bot.fakeslack import FakeSlack
from bot.slack_client import clock_client, make_client
from tests.bot.conftest import TOKEN, settings_for

CHANNEL = "C0BOARD"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}) as server:
        server.add_channel(CHANNEL, "board-protocols")
        yield server


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What the clients would have slept, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr(handler, "time", SimpleNamespace(sleep=waits.append))
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    monkeypatch.setattr(builtin_handlers, "random", SimpleNamespace(random=lambda: 0.0))
    return waits


def test_the_web_client_does_not_repeat_a_post_answered_503(
    fake: FakeSlack, slept: list[float]
) -> None:
    client = make_client(settings_for(fake, "sqlite://"))
    fake.status_next("chat.postMessage", 503, applied=True)

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=CHANNEL, text="once")
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.messages(CHANNEL)) == 1


def test_the_web_client_repeats_a_call_that_does_not_post_after_a_503(
    fake: FakeSlack, slept: list[float]
) -> None:
    client = make_client(settings_for(fake, "sqlite://"))
    fake.status_next("views.publish", 503)

    client.views_publish(user_id="U0BM", view={"type": "home", "blocks": []})
    assert [c.fault for c in fake.calls_to("views.publish")] == ["status:503", None]


def test_the_web_client_waits_out_a_short_retry_after_even_for_a_post(
    fake: FakeSlack, slept: list[float]
) -> None:
    client = make_client(settings_for(fake, "sqlite://"))
    fake.rate_limit_next("chat.postMessage", retry_after=2)

    client.chat_postMessage(channel=CHANNEL, text="once")  # Slack did not act on the 429
    assert slept == [2.0] and len(fake.messages(CHANNEL)) == 1


def test_the_web_client_gives_up_on_a_long_retry_after_instead_of_waiting(
    fake: FakeSlack, slept: list[float]
) -> None:
    client = make_client(settings_for(fake, "sqlite://"))
    fake.rate_limit_next("views.publish", retry_after=20)

    with pytest.raises(SlackApiError) as raised:
        client.views_publish(user_id="U0BM", view={"type": "home", "blocks": []})
    assert raised.value.response.status_code == 429 and slept == []


@pytest.mark.parametrize("fault", ["503", "429"])
def test_the_clock_client_never_repeats_or_sleeps(
    fake: FakeSlack, slept: list[float], fault: str
) -> None:
    client = clock_client(settings_for(fake, "sqlite://"))
    if fault == "503":
        fake.status_next("conversations.history", 503)
    else:
        fake.rate_limit_next("conversations.history", retry_after=1)

    with pytest.raises(SlackApiError):
        client.conversations_history(channel=CHANNEL)
    assert len(fake.calls_to("conversations.history")) == 1 and slept == []
    assert client.timeout == 3
