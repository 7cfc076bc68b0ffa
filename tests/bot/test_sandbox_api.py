"""The sandbox's JSON API, in process: a page's requests reach the real bot and come back."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.server import Sandbox

Json = dict[str, Any]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(port=0, data_dir=tmp_path / "sandbox") as running:
        yield running


def get(sandbox: Sandbox, path: str) -> Json:
    with urllib.request.urlopen(sandbox.url + path, timeout=10) as response:
        body: Json = json.load(response)
    return body


def post(sandbox: Sandbox, path: str, payload: Json) -> Json:
    request = urllib.request.Request(
        sandbox.url + path,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: Json = json.load(response)
    return body


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

    for path in ("static/../server.py", "static/%2e%2e/server.py", "static/workspace.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(sandbox.url + path, timeout=10)
        assert refused.value.code == 404
        refused.value.close()
