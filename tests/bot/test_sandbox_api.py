"""The sandbox's JSON API, in process: a page's requests reach the real bot and come back."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.sandbox.server import Sandbox
from schedules.protocol.loader import template_names

Json = dict[str, Any]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(port=0, data_dir=tmp_path / "sandbox") as running:
        yield running


def page_token(sandbox: Sandbox) -> str:
    """The token the page carries, read from the page as a browser loads it."""
    with urllib.request.urlopen(sandbox.url, timeout=10) as response:
        page = response.read().decode("utf-8")
    found = re.search(r'<meta name="sandbox-token" content="([^"]+)">', page)
    assert found is not None, "the page carries no token"
    return found.group(1)


def get(sandbox: Sandbox, path: str, **headers: str) -> Json:
    headers = {"X-Sandbox-Token": sandbox.page_token, **headers}
    request = urllib.request.Request(sandbox.url + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        body: Json = json.load(response)
    return body


def post(sandbox: Sandbox, path: str, payload: Json, **headers: str) -> Json:
    request = urllib.request.Request(
        sandbox.url + path,
        data=json.dumps(payload).encode("utf-8"),
        headers={
            "Content-Type": "application/json",
            "X-Sandbox-Token": sandbox.page_token,
            **headers,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: Json = json.load(response)
    return body


def refused(call: Callable[[], object]) -> tuple[int, str]:
    with pytest.raises(urllib.error.HTTPError) as caught:
        call()
    with caught.value as error:
        return error.code, json.load(error)["error"]


def test_it_lists_a_channel_per_board_and_the_digest_channel(sandbox: Sandbox) -> None:
    about = get(sandbox, "api/workspace")

    assert [(c["id"], c["name"]) for c in about["channels"]] == [
        ("C0HWB", "hwb"),
        ("C0LRLSCB", "lrlscb"),
        ("C0LRSAB", "lrsab"),
        ("C0DIGEST", "digest"),
    ]
    chairs = [p for p in about["people"] if p["role"] == "chair"]
    assert [(p["id"], p["name"]) for p in chairs][1] == ("U0LRLSCBCHAIR", "LRLSCB chair")
    assert "/duties" in [c["name"] for c in about["commands"]]


def test_a_command_sent_through_the_api_gets_the_bots_ephemeral_reply(sandbox: Sandbox) -> None:
    sent = post(
        sandbox,
        "api/command",
        {"user": "U0LRLSCBBM", "channel": "C0LRLSCB", "text": "/duties lrlscb"},
    )

    assert sent == {"ok": True, "status": 200}
    assert until(lambda: get(sandbox, "api/state")["ephemerals"])  # the relay hears after
    [reply] = get(sandbox, "api/state")["ephemerals"]
    assert (reply["user"], reply["channel"], reply["command"]) == (
        "U0LRLSCBBM",
        "C0LRLSCB",
        "/duties lrlscb",
    )
    assert "LRLSCB" in reply["text"]
    assert sandbox.fake.messages("C0LRLSCB") == []  # only the person who asked sees it


def test_the_next_working_day_jump_posts_the_window_openings(sandbox: Sandbox) -> None:
    report = post(sandbox, "api/jump", {"to": "next-working-day"})

    assert report["today"] == "2026-09-01" and report["now_label"] == "Tue 1 Sep 2026, 09:05"
    assert report["sent"] >= 2 and report["working_days"] == 1
    state = get(sandbox, "api/state")
    for channel, owner in (("C0LRLSCB", "LRLSCB"), ("C0LRSAB", "LRSAB")):
        [opening] = state["messages"][channel]
        assert opening["text"].startswith(f"{owner} annual report to the HWB")
        assert (opening["day"], opening["time"]) == ("2026-09-01", "09:05")
        buttons = [
            e["text"]["text"]
            for b in opening["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        assert buttons[0] == "Done"


def test_the_page_carries_this_runs_token(sandbox: Sandbox, tmp_path: Path) -> None:
    assert page_token(sandbox) == sandbox.page_token
    with Sandbox(port=0, data_dir=tmp_path / "another") as another:
        assert page_token(another) != sandbox.page_token


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Origin": "https://attacker.example"}, "cross-site requests are refused"),
        ({"Origin": "null"}, "cross-site requests are refused"),
        ({"Host": "attacker.example"}, "answers only as 127.0.0.1 or localhost"),
        ({"X-Sandbox-Token": "guessed"}, "needs the token of the page"),
        ({"X-Sandbox-Token": ""}, "needs the token of the page"),
    ],
)
def test_a_request_that_is_not_from_the_sandbox_page_is_refused_and_changes_nothing(
    sandbox: Sandbox, headers: dict[str, str], reason: str
) -> None:
    command = {"user": "U0LRLSCBBM", "channel": "C0LRLSCB", "text": "/duties lrlscb"}
    started = sandbox.fake.calls  # the first tick's: the digest channel's canvas

    code, error = refused(lambda: post(sandbox, "api/command", command, **headers))
    assert code == 403 and error.startswith("forbidden: ") and reason in error
    assert refused(lambda: post(sandbox, "api/jump", {"date": "2026-09-01"}, **headers))[0] == 403
    assert refused(lambda: get(sandbox, "api/state", **headers))[0] == 403
    assert sandbox.fake.calls == started and get(sandbox, "api/state")["today"] == "2026-08-31"


def test_another_host_name_cannot_load_the_page_and_its_token(sandbox: Sandbox) -> None:
    """DNS rebinding: a page on attacker.example resolved to 127.0.0.1 still names its host."""
    request = urllib.request.Request(sandbox.url, headers={"Host": "attacker.example:8000"})
    assert refused(lambda: urllib.request.urlopen(request, timeout=10))[0] == 403


def test_its_own_origin_and_localhost_are_accepted(sandbox: Sandbox) -> None:
    port = sandbox.url.rstrip("/").rsplit(":", 1)[1]
    assert get(sandbox, "api/workspace", Origin=f"http://127.0.0.1:{port}")["channels"]
    assert get(sandbox, "api/workspace", Host=f"localhost:{port}")["channels"]


def test_it_refuses_a_jump_too_far_ahead(sandbox: Sandbox) -> None:
    code, error = refused(lambda: post(sandbox, "api/jump", {"date": "2036-01-01"}))
    assert code == 400 and "2036-01-01 is too far ahead; a jump goes at most a year" in error


def test_it_refuses_a_jump_it_does_not_know(sandbox: Sandbox) -> None:
    code, error = refused(lambda: post(sandbox, "api/jump", {"to": "yesterday"}))
    assert (
        code == 400 and "there is no jump called 'yesterday'; the jumps are next-working" in error
    )


def test_it_refuses_a_date_it_cannot_read(sandbox: Sandbox) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(sandbox, "api/jump", {"date": "1st of September"})

    assert refused.value.code == 400
    assert "YYYY-MM-DD" in json.load(refused.value)["error"]
    refused.value.close()


def test_it_serves_the_page_and_only_its_own_static_files(sandbox: Sandbox) -> None:
    with urllib.request.urlopen(sandbox.url, timeout=10) as response:
        page = response.read().decode("utf-8")
    assert '<script src="/static/sandbox.js">' in page

    for path in ("static/../server.py", "static/%2e%2e/api.py", "static/demo.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(sandbox.url + path, timeout=10)
        assert refused.value.code == 404
        refused.value.close()


# -- the sandbox's own clock ------------------------------------------------------------------


@pytest.mark.parametrize("real", ["2026-12-02T15:47:00+00:00", "2031-06-30T23:30:00+00:00"])
def test_a_fresh_sandbox_starts_on_the_demo_day_whatever_the_real_date(
    tmp_path: Path, real: str
) -> None:
    real_now = time_machine.travel(datetime.fromisoformat(real), tick=True)
    with real_now, Sandbox(port=0, data_dir=tmp_path / "sandbox") as sandbox:
        about = get(sandbox, "api/workspace")
        assert (about["today"], about["now_label"]) == ("2026-08-31", "Mon 31 Aug 2026, 09:05")
        assert [j["date"] for j in about["jumps"]] == [
            "2026-09-01",
            "2026-09-07",
            "2026-09-01",
            "2026-09-07",
        ]
        digest = post(sandbox, "api/jump", {"to": "next-working-day"})
        assert digest["today"] == "2026-09-01"
        [weekly] = sandbox.fake.messages("C0DIGEST")
        assert "week of 31 August 2026" in weekly["text"]
        said = weekly["text"].lower()
        assert "overdue" not in said.replace("overdue duties", "")  # the past year is on record
        assert "meeting of" not in said  # and its meetings' minutes are shared


def test_a_fresh_sandbox_owes_only_what_is_current(sandbox: Sandbox) -> None:
    [reply] = command(sandbox, "U0LRLSCBBM", "C0LRLSCB", "/duties lrlscb")

    assert "Overdue" not in reply["text"] and "1 opening within a month" in reply["text"]
    assert "opens 1 Sep 2026" in json.dumps(reply["blocks"])


def test_a_jump_ticks_each_working_day_so_each_prompt_goes_out_on_its_day(
    sandbox: Sandbox,
) -> None:
    post(sandbox, "api/jump", {"to": "next-working-day"})
    report = post(sandbox, "api/jump", {"to": "next-week"})

    assert report["today"] == "2026-09-08" and report["working_days"] == 5
    state = get(sandbox, "api/state")
    digests = [(m["day"], m["time"]) for m in state["messages"]["C0DIGEST"]]
    assert digests == [("2026-09-01", "09:05"), ("2026-09-07", "09:05")]
    [pack] = [m for m in state["messages"]["D0HWBBM"] if m["text"].startswith("Agenda pack")]
    assert pack["day"] == "2026-09-08"  # five working days before the HWB meets on 15 September
    assert not any(m["text"].startswith("(late)") for m in all_messages(state))
    assert "Sent late" not in json.dumps(state["messages"])


def test_a_snooze_reminder_after_a_jump_comes_on_its_day_and_not_late(sandbox: Sandbox) -> None:
    post(sandbox, "api/jump", {"to": "next-working-day"})
    [opening] = sandbox.fake.messages("C0LRLSCB")
    snooze = next(
        e for b in opening["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == "duty_snooze"
    )  # fmt: skip
    clicked = {"message_ts": opening["ts"], "label": "Snooze", **snooze}
    post(sandbox, "api/action", {"user": "U0LRLSCBBM", "channel": "C0LRLSCB", **clicked})
    assert sandbox.fake.wait_for(lambda: sandbox.fake.responses(), timeout=10)

    post(sandbox, "api/jump", {"to": "next-week"})

    state = get(sandbox, "api/state")
    [reminder] = [m for m in state["messages"]["C0LRLSCB"] if "after snoozing" in m["text"]]
    assert (reminder["day"], reminder["time"]) == ("2026-09-04", "09:05")
    assert "Sent late" not in json.dumps(reminder["blocks"])


def test_the_clock_never_goes_back_so_nothing_is_sent_twice_or_late(sandbox: Sandbox) -> None:
    post(sandbox, "api/jump", {"to": "next-window"})
    post(sandbox, "api/jump", {"date": "2026-09-20"})
    before = get(sandbox, "api/state")

    for day in ("2026-09-01", "2026-09-20"):
        code, error = refused(partial(post, sandbox, "api/jump", {"date": day}))
        assert code == 400
        assert error.startswith("the sandbox's clock only goes forward: it is Sun 20 Sep 2026")

    after = get(sandbox, "api/state")
    assert after["messages"] == before["messages"] and after["today"] == "2026-09-20"


def test_an_unchanged_state_still_says_what_time_it_is(sandbox: Sandbox) -> None:
    first = get(sandbox, "api/state")
    again = get(sandbox, f"api/state?since={first['version']}")

    assert again["unchanged"] is True
    assert again["now_label"].startswith("Mon 31 Aug 2026, 09:0")
    assert again["jumps"][0]["label"] == "Next working day"


def test_a_page_load_closes_every_open_modal(sandbox: Sandbox) -> None:
    post(sandbox, "api/command", {"user": "U0HWBBM", "channel": "C0HWB", "text": "/agenda"})
    assert until(lambda: get(sandbox, "api/state")["modals"])

    post(sandbox, "api/loaded", {})

    assert get(sandbox, "api/state")["modals"] == {}


# -- the imported calendar and the calendar feeds ------------------------------------------


def test_the_hwbs_meetings_come_from_the_councils_example_calendar(sandbox: Sandbox) -> None:
    about = get(sandbox, "api/workspace")

    imported = about["calendars"]["hwb"]["imported"]
    assert imported.startswith("created 10, moved 0, cancelled 0, unchanged 0")
    assert "cancelled in the feed before ever being imported" in imported
    [listing] = command(sandbox, "U0HWBBM", "C0HWB", "/meetings hwb")
    said = json.dumps(listing["blocks"])
    assert "Victoria Hall" in said  # March's meeting, moved to the Wednesday morning
    assert "Jul 2027" not in said and "July 2027" not in said  # July's is cancelled
    assert about["calendars"]["lrlscb"]["imported"] is None  # typed in by hand


def test_each_boards_calendar_address_serves_its_feed(sandbox: Sandbox) -> None:
    calendars = get(sandbox, "api/workspace")["calendars"]

    assert set(calendars) == {"hwb", "lrlscb", "lrsab"}
    for key, found in calendars.items():
        assert found["url"].startswith(f"{sandbox.settings.public_url}/calendar/")
        with urllib.request.urlopen(found["url"], timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/calendar")
            feed = response.read().decode("utf-8")
        assert feed.startswith("BEGIN:VCALENDAR") and f"{key.upper()} meeting" in feed


def command(sandbox: Sandbox, user: str, channel: str, text: str) -> list[Json]:
    """Send a command through the API and wait for the bot's ephemeral answers."""
    post(sandbox, "api/command", {"user": user, "channel": channel, "text": text})
    answers = until(
        lambda: [e for e in get(sandbox, "api/state")["ephemerals"] if e["command"] == text]
    )
    assert isinstance(answers, list)
    return answers


def until(found: Callable[[], object], timeout: float = 10.0) -> object:
    """What `found` returns once it is truthy, looking again as a page polls (or falsy after
    `timeout`): the relay hears of a modal after the fake Slack has answered the bot."""
    deadline, waiting = time.monotonic() + timeout, threading.Event()
    while not (result := found()) and time.monotonic() < deadline:
        waiting.wait(0.05)
    return result


def all_messages(state: Json) -> list[Json]:
    return [m for listed in state["messages"].values() for m in listed]


@pytest.mark.parametrize("protocol", template_names())
def test_every_bundled_protocol_starts_on_the_demo_day_and_sends_nothing_late(
    tmp_path: Path, protocol: str
) -> None:
    with Sandbox(port=0, protocol=protocol, data_dir=tmp_path / protocol) as sandbox:
        report = sandbox.jump_by("next-window")

        assert report["failed"] == 0 and report["sent"] > 0
        state = get(sandbox, "api/state")
        assert not any(m["text"].startswith("(late)") for m in all_messages(state))
