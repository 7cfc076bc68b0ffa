"""The sandbox's JSON API, in process: a page's requests reach the real bot and come back."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.server import Sandbox

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
    assert sandbox.fake.wait_for(lambda: sandbox.fake.responses(), timeout=10)
    [reply] = get(sandbox, "api/state")["ephemerals"]
    assert (reply["user"], reply["channel"], reply["command"]) == (
        "U0LRLSCBBM",
        "C0LRLSCB",
        "/duties lrlscb",
    )
    assert "LRLSCB" in reply["text"]
    assert sandbox.fake.messages("C0LRLSCB") == []  # only the person who asked sees it


def test_jumping_to_1_september_2026_posts_the_window_openings(sandbox: Sandbox) -> None:
    report = post(sandbox, "api/jump", {"date": "2026-09-01"})

    assert report["today"] == "2026-09-01"
    assert report["sent"] >= 2
    state = get(sandbox, "api/state")
    for channel, owner in (("C0LRLSCB", "LRLSCB"), ("C0LRSAB", "LRSAB")):
        [opening] = state["messages"][channel]
        assert opening["text"].startswith(f"{owner} annual report to the HWB")
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

    code, error = refused(lambda: post(sandbox, "api/command", command, **headers))
    assert code == 403 and error.startswith("forbidden: ") and reason in error
    assert refused(lambda: post(sandbox, "api/jump", {"date": "2026-09-01"}, **headers))[0] == 403
    assert refused(lambda: get(sandbox, "api/state", **headers))[0] == 403
    assert sandbox.fake.calls == [] and get(sandbox, "api/state")["today"] != "2026-09-01"


def test_another_host_name_cannot_load_the_page_and_its_token(sandbox: Sandbox) -> None:
    """DNS rebinding: a page on attacker.example resolved to 127.0.0.1 still names its host."""
    request = urllib.request.Request(sandbox.url, headers={"Host": "attacker.example:8000"})
    assert refused(lambda: urllib.request.urlopen(request, timeout=10))[0] == 403


def test_its_own_origin_and_localhost_are_accepted(sandbox: Sandbox) -> None:
    port = sandbox.url.rstrip("/").rsplit(":", 1)[1]
    assert get(sandbox, "api/workspace", Origin=f"http://127.0.0.1:{port}")["channels"]
    assert get(sandbox, "api/workspace", Host=f"localhost:{port}")["channels"]


def test_it_refuses_a_jump_too_far_away(sandbox: Sandbox) -> None:
    code, error = refused(lambda: post(sandbox, "api/jump", {"date": "0001-01-01"}))
    assert code == 400 and "0001-01-01 is too far away; jump to a day between" in error


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
