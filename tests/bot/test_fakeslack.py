"""The fake Slack Web API, driven through the real slack_sdk client."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, builtin_handlers
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.fakeslack import FakeCall, FakeSlack, validate_message, validate_view
from bot.fakeslack.blockkit import WARNING_PREFIX, errors_only, warnings_only

TOKEN = "xoxb-test-token"
CHANNEL = "C0BOARD"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(tokens={TOKEN}) as server:
        server.add_channel(CHANNEL, "board-protocols")
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body: dict[str, Any] = json.load(response)
    return body


# -- messages ----------------------------------------------------------------------------


def test_it_records_a_posted_message_and_reads_it_back(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=CHANNEL, text="Agenda", blocks=[_section("Agenda")])

    assert posted["channel"] == CHANNEL
    assert posted["message"]["text"] == "Agenda"
    [stored] = fake.messages(CHANNEL)
    assert stored["ts"] == posted["ts"]
    assert stored["user"] == "U0BOT"
    assert stored["blocks"] == [_section("Agenda")]
    assert client.conversations_history(channel=CHANNEL)["messages"][0]["ts"] == posted["ts"]


def test_it_decodes_blocks_and_metadata_sent_form_encoded(
    fake: FakeSlack, client: WebClient
) -> None:
    metadata = {"event_type": "minutes_posted", "event_payload": {"meeting": 7}}
    client.api_call(
        "chat.postMessage",
        params={
            "channel": CHANNEL,
            "text": "Minutes",
            "blocks": json.dumps([_section("Minutes")]),
            "metadata": json.dumps(metadata),
        },
    )

    [stored] = fake.messages(CHANNEL)
    assert stored["blocks"] == [_section("Minutes")]
    assert stored["metadata"] == metadata
    assert "application/x-www-form-urlencoded" in fake.calls[-1].headers["Content-Type"]


def test_it_gives_message_timestamps_that_strictly_increase(
    fake: FakeSlack, client: WebClient
) -> None:
    first = client.chat_postMessage(channel=CHANNEL, text="one")["ts"]
    client.chat_postEphemeral(channel=CHANNEL, user="U0MEMBER", text="psst")
    second = client.chat_postMessage(channel="D0OTHER", text="two")["ts"]

    assert first == "1700000000.000100"
    assert float(second) > float(first)


def test_it_delivers_a_dm_sent_to_a_user_id_to_that_users_dm_channel(
    fake: FakeSlack, client: WebClient
) -> None:
    opened = client.conversations_open(users="U0MEMBER")["channel"]["id"]
    client.chat_postMessage(channel="U0MEMBER", text="Your action is due")

    assert opened.startswith("D")
    assert client.conversations_open(users="U0MEMBER")["channel"]["id"] == opened
    assert [m["text"] for m in fake.messages(opened)] == ["Your action is due"]
    assert fake.messages("U0MEMBER") == fake.messages(opened)


def test_it_returns_history_newest_first_with_metadata_only_when_asked(
    fake: FakeSlack, client: WebClient
) -> None:
    metadata = {"event_type": "protocol_reminder", "event_payload": {"protocol": 3}}
    client.chat_postMessage(channel=CHANNEL, text="older")
    middle = client.chat_postMessage(channel=CHANNEL, text="tagged", metadata=metadata)["ts"]
    client.chat_postMessage(channel=CHANNEL, text="newer")

    plain = client.conversations_history(channel=CHANNEL)["messages"]
    rich = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"]
    window = client.conversations_history(channel=CHANNEL, oldest=middle, inclusive=True, limit=1)

    assert [m["text"] for m in plain] == ["newer", "tagged", "older"]
    assert all("metadata" not in m for m in plain)
    assert [m["metadata"] for m in rich if "metadata" in m] == [metadata]
    assert [m["text"] for m in window["messages"]] == ["newer"]
    assert window["has_more"] is True


def test_it_keeps_thread_replies_out_of_channel_history(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")["ts"]
    client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent)

    [listed] = client.conversations_history(channel=CHANNEL)["messages"]
    assert listed["text"] == "parent"
    assert listed["reply_count"] == 1
    assert fake.messages(CHANNEL)[1]["thread_ts"] == parent


def test_it_edits_a_message_in_place_and_deletes_it(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CHANNEL, text="draft", blocks=[_section("draft")])["ts"]
    client.chat_update(channel=CHANNEL, ts=ts, text="final", blocks=[_section("final")])

    [edited] = fake.messages(CHANNEL)
    assert (edited["ts"], edited["text"], edited["blocks"]) == (ts, "final", [_section("final")])
    client.chat_delete(channel=CHANNEL, ts=ts)
    assert fake.messages(CHANNEL) == []
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel=CHANNEL, ts=ts, text="again")
    assert raised.value.response["error"] == "message_not_found"


def test_it_records_ephemerals_apart_from_messages(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postEphemeral(channel=CHANNEL, user="U0MEMBER", text="only you")
    client.chat_postEphemeral(channel=CHANNEL, user="U0OTHER", text="and you")

    assert fake.messages(CHANNEL) == []
    assert [e["text"] for e in fake.ephemerals(user="U0MEMBER")] == ["only you"]
    assert len(fake.ephemerals()) == 2


# -- other methods -----------------------------------------------------------------------


def test_it_answers_auth_test_users_info_and_conversations_info(client: WebClient) -> None:
    auth = client.auth_test()
    user = client.users_info(user="U0MEMBER")["user"]
    channel = client.conversations_info(channel=CHANNEL)["channel"]

    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0FAKE", "U0BOT", "B0BOT")
    assert (user["id"], user["tz"]) == ("U0MEMBER", "Europe/London")
    assert (channel["name"], channel["is_archived"]) == ("board-protocols", False)


def test_it_opens_updates_and_publishes_views(fake: FakeSlack, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Log action"}, "blocks": []}
    opened = client.views_open(trigger_id="123.456", view=modal)["view"]
    client.views_update(view_id=opened["id"], hash=opened["hash"], view={**modal, "blocks": []})
    home = {"type": "home", "blocks": [_section("Your boards")]}
    first = client.views_publish(user_id="U0MEMBER", view=home)["view"]
    second = client.views_publish(user_id="U0MEMBER", view=home)["view"]

    assert opened["id"].startswith("V")
    assert first["id"] == second["id"]
    assert fake.home_view("U0MEMBER") == fake.views()[first["id"]]
    with pytest.raises(SlackApiError) as raised:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)
    assert raised.value.response["error"] == "hash_conflict"


def test_it_answers_unknown_methods_with_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.scheduleMessage", json={"channel": CHANNEL})
    assert raised.value.response["error"] == "unknown_method"


# -- refusals and faults -----------------------------------------------------------------


def test_it_refuses_an_unknown_token_with_invalid_auth(fake: FakeSlack) -> None:
    stranger = WebClient(token="xoxb-wrong", base_url=fake.base_url, retry_handlers=[])

    with pytest.raises(SlackApiError) as raised:
        stranger.chat_postMessage(channel=CHANNEL, text="hello")
    assert raised.value.response["error"] == "invalid_auth"
    assert fake.messages(CHANNEL) == []


def test_it_rejects_fifty_one_blocks_as_invalid(fake: FakeSlack, client: WebClient) -> None:
    blocks = [_section(f"item {n}") for n in range(51)]

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL, text="too many", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks"
    assert raised.value.response["errors"] == ["must be less than 51 items [json-pointer:/blocks]"]
    assert fake.messages(CHANNEL) == []


def test_it_fails_the_next_calls_as_asked_then_recovers(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel=CHANNEL, text="hello")
        assert raised.value.response["error"] == "channel_not_found"
    client.chat_postMessage(channel=CHANNEL, text="hello")

    faults = [call.fault for call in fake.calls_to("chat.postMessage")]
    assert faults == ["error:channel_not_found", "error:channel_not_found", None]
    assert len(fake.messages(CHANNEL)) == 1


def test_it_answers_429_with_retry_after_then_accepts(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler sleeps Retry-After plus up to a second of jitter; record it to stay fast.
    slept: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(builtin_handlers, "random", SimpleNamespace(random=lambda: 0.0))
    patient = WebClient(
        token=TOKEN, base_url=fake.base_url, retry_handlers=[RateLimitErrorRetryHandler()]
    )
    fake.rate_limit_next("chat.postMessage", retry_after=1)

    patient.chat_postMessage(channel=CHANNEL, text="once")

    assert slept == [1.0]
    assert [c.fault for c in fake.calls_to("chat.postMessage")] == ["ratelimited", None]
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["once"]


def test_it_sends_retry_after_with_429_to_clients_that_do_not_retry(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=3)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL, text="hello")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"
    assert raised.value.response["error"] == "ratelimited"


def test_it_answers_503_which_the_server_error_handler_retries(fake: FakeSlack) -> None:
    quick = FixedValueRetryIntervalCalculator(0.01)
    handler = ServerErrorRetryHandler(max_retry_count=1, interval_calculator=quick)
    patient = WebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[handler])
    fake.status_next("chat.postMessage", status=503)

    patient.chat_postMessage(channel=CHANNEL, text="once")

    assert [c.fault for c in fake.calls_to("chat.postMessage")] == ["status:503", None]
    assert len(fake.messages(CHANNEL)) == 1


@pytest.mark.parametrize("error", ["fatal_error", "internal_error"])
def test_an_applied_fault_posts_the_message_and_then_answers_with_the_error(
    fake: FakeSlack, client: WebClient, error: str
) -> None:
    fake.fail_next("chat.postMessage", error, applied=True)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL, text="maybe")
    assert raised.value.response["error"] == error
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["maybe"]
    assert fake.calls_to("chat.postMessage")[0].fault == f"error:{error}+applied"


def test_an_applied_503_posts_the_message_and_then_answers_503(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.status_next("chat.postMessage", 503, applied=True)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL, text="maybe")
    assert raised.value.response.status_code == 503
    assert len(fake.messages(CHANNEL)) == 1


def test_a_standing_fault_answers_every_call_until_it_is_lifted(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_always("conversations.history", "missing_scope")

    for _ in range(3):
        with pytest.raises(SlackApiError) as raised:
            client.conversations_history(channel=CHANNEL)
        assert raised.value.response["error"] == "missing_scope"
    fake.stop_failing("conversations.history")
    assert client.conversations_history(channel=CHANNEL)["ok"]


def test_a_revoked_token_is_refused_on_every_method_until_restored(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.revoke_token(TOKEN, "account_inactive")

    for call in (client.auth_test, lambda: client.chat_postMessage(channel=CHANNEL, text="x")):
        with pytest.raises(SlackApiError) as raised:
            call()
        assert raised.value.response["error"] == "account_inactive"
    assert fake.messages(CHANNEL) == []
    fake.restore_token(TOKEN)
    assert client.auth_test()["team_id"] == fake.team_id


def test_it_stamps_messages_with_its_clock_when_given_one(
    fake: FakeSlack, client: WebClient
) -> None:
    from datetime import UTC, datetime

    fake.clock = lambda: datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    first = client.chat_postMessage(channel=CHANNEL, text="one")["ts"]
    second = client.chat_postMessage(channel=CHANNEL, text="two")["ts"]

    assert first == "1788249600.000000" and second == "1788249600.000100"  # still increasing


def test_it_holds_an_answer_past_a_short_client_timeout(fake: FakeSlack) -> None:
    hasty = WebClient(token=TOKEN, base_url=fake.base_url, timeout=0.05, retry_handlers=[])  # type: ignore[arg-type]
    fake.delay_next("chat.postMessage", 0.3)

    with pytest.raises(TimeoutError):
        hasty.chat_postMessage(channel=CHANNEL, text="slow")
    # Like Slack, the fake may still act on a request whose client gave up.
    assert fake.wait_for(lambda: fake.messages(CHANNEL), timeout=2.0)
    assert fake.calls_to("chat.postMessage")[0].fault == "delay:0.3"


def test_it_stops_without_waiting_out_an_injected_delay() -> None:
    answers: list[dict[str, Any]] = []
    fake = FakeSlack(tokens={TOKEN}).start()
    fake.delay_next("auth.test", 30.0)
    caller = threading.Thread(
        target=lambda: answers.append(_post_json(f"{fake.base_url}auth.test", {"token": TOKEN}))
    )
    caller.start()
    assert fake.wait_for(lambda: fake.pending_faults("auth.test") == 0, timeout=2.0)

    started = time.monotonic()
    fake.stop()
    caller.join(timeout=5.0)

    assert time.monotonic() - started < 1.0
    assert [answer["ok"] for answer in answers] == [True]


def test_it_refuses_posts_to_archived_left_and_unknown_channels(fake: FakeSlack) -> None:
    strict = FakeSlack(tokens={TOKEN}, strict_channels=True)
    strict.add_channel("C0OLD", "old-board")
    strict.add_channel("C0LEFT", "left-board")
    strict.archive("C0OLD")
    strict.remove_bot("C0LEFT")
    errors: dict[str, str] = {}
    with strict:
        client = WebClient(token=TOKEN, base_url=strict.base_url, retry_handlers=[])
        for channel in ("C0OLD", "C0LEFT", "C0NEVER"):
            with pytest.raises(SlackApiError) as raised:
                client.chat_postMessage(channel=channel, text="hello")
            errors[channel] = raised.value.response["error"]
        assert strict.calls[0].error == "is_archived"
    assert errors == {
        "C0OLD": "is_archived",
        "C0LEFT": "not_in_channel",
        "C0NEVER": "channel_not_found",
    }


# -- response_url, state and observers ---------------------------------------------------


def test_it_records_posts_to_a_response_url(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CHANNEL, text="Vote open")["ts"]
    linked = fake.response_url("vote-1", channel=CHANNEL, message_ts=ts)

    answer = _post_json(fake.response_url("cmd-1"), {"text": "Only you"})
    _post_json(linked, {"replace_original": True, "text": "Closed", "response_type": "in_channel"})

    assert answer == {"ok": True}
    first, second = fake.responses()
    assert (first.key, first.response_type, first.text) == ("cmd-1", "ephemeral", "Only you")
    assert (second.response_type, second.replace_original) == ("in_channel", True)
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["Closed"]


def test_it_serves_its_state_as_json_for_the_sandbox_page(
    fake: FakeSlack, client: WebClient
) -> None:
    client.chat_postMessage(channel=CHANNEL, text="Agenda")

    with urllib.request.urlopen(f"{fake.url}_fake/state", timeout=5) as response:
        state = json.load(response)

    assert {"id": CHANNEL, "name": "board-protocols"}.items() <= state["channels"][0].items()
    assert [m["text"] for m in state["messages"][CHANNEL]] == ["Agenda"]
    assert state["version"] == 1


def test_it_tells_subscribers_about_every_call_and_forgets_on_reset(
    fake: FakeSlack, client: WebClient
) -> None:
    seen: list[FakeCall] = []
    unsubscribe = fake.subscribe(seen.append)
    client.chat_postMessage(channel=CHANNEL, text="one")
    unsubscribe()
    client.chat_postMessage(channel=CHANNEL, text="two")
    fake.reset()

    assert [call.method for call in seen] == ["chat.postMessage"]
    assert fake.calls == []
    assert fake.messages(CHANNEL) == []


# -- Block Kit limits --------------------------------------------------------------------


def test_it_warns_about_blocks_without_fallback_text_apart_from_errors() -> None:
    problems = validate_message(None, [_section("hi")])

    assert errors_only(problems) == []
    assert [p.startswith(WARNING_PREFIX) for p in warnings_only(problems)] == [True]


def test_it_reports_each_documented_message_limit() -> None:
    button = {"type": "button", "text": {"type": "plain_text", "text": "x" * 76}, "action_id": "a"}
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}, "block_id": "b" * 256},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11},
        {"type": "actions", "elements": [button] + [{"type": "button", "action_id": "z"}] * 25},
    ]

    problems = validate_message("t" * 40_001, blocks)

    pointers = sorted(p.split("json-pointer:")[1].rstrip("]") for p in problems)
    assert pointers == [
        "/blocks/0/text/text",
        "/blocks/1/block_id",
        "/blocks/1/text/text",
        "/blocks/2/fields",
        "/blocks/3/elements",
        "/blocks/4/elements",
        "/blocks/4/elements/0/text/text",
        "/text",
    ]


def test_it_reports_modal_limits_and_allows_a_hundred_blocks() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "t" * 25},
        "submit": {"type": "plain_text", "text": "s" * 25},
        "blocks": [{"type": "divider"}] * 100,
    }

    assert validate_view(modal) == [
        "must be less than 25 characters [json-pointer:/view/title/text]",
        "must be less than 25 characters [json-pointer:/view/submit/text]",
    ]
    assert validate_view({"type": "home", "blocks": [{"type": "divider"}] * 101}) == [
        "must be less than 101 items [json-pointer:/view/blocks]"
    ]


def test_the_bot_joins_a_public_channel_but_a_private_one_needs_an_invite(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_channel("C0OPEN", "open", member=False)
    fake.add_channel("C0SHUT", "shut", member=False, private=True)
    joined = client.conversations_join(channel="C0OPEN")
    assert joined["channel"]["id"] == "C0OPEN" and "warning" not in joined.data
    assert client.conversations_join(channel="C0OPEN")["warning"] == "already_in_channel"
    assert client.chat_postMessage(channel="C0OPEN", text="hello")["ok"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_join(channel="C0SHUT")
    assert refused.value.response["error"] == "method_not_supported_for_channel_type"
    assert client.conversations_info(channel="C0SHUT")["channel"]["is_private"] is True


def test_a_file_a_person_uploads_is_read_back_with_the_bot_token(
    fake: FakeSlack, client: WebClient
) -> None:
    record = fake.add_file("U0PERSON", "mine.yaml", b"partnership: {}\n")
    info = client.files_info(file=record["id"])["file"]
    assert (info["user"], info["name"], info["size"]) == ("U0PERSON", "mine.yaml", 16)
    request = urllib.request.Request(
        info["url_private"], headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"partnership: {}\n"


def test_a_response_action_update_replaces_the_view(fake: FakeSlack, client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "One"}, "blocks": []}
    opened = client.views_open(trigger_id="1.2", view=view)["view"]
    fake.update_view(opened["id"], {**view, "title": {"type": "plain_text", "text": "Two"}})
    stored = fake.views()[opened["id"]]
    assert stored["title"]["text"] == "Two" and stored["hash"] != opened["hash"]
