"""The sandbox's second workspace: empty, set up from its App Home, walled off from the first."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.sandbox.server import Sandbox
from tests.bot.test_sandbox_api import get, post, sandbox

Json = dict[str, Any]
__all__ = ["sandbox"]  # the fixture
SECOND = {"workspace": "2"}


def wait_for(read: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = read()
        if found:
            return found
        time.sleep(0.05)
    return read()


def home_buttons(sandbox: Sandbox, user: str) -> dict[str, Json]:
    home = get(sandbox, "api/state?workspace=2")["homes"].get(user) or {}
    return {
        element["text"]["text"]: element
        for block in home.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def modal(sandbox: Sandbox, user: str) -> Json:
    found: Json = get(sandbox, "api/state?workspace=2")["modals"].get(user) or {}
    return found


def test_the_page_can_switch_to_a_second_workspace_with_no_partnership(sandbox: Sandbox) -> None:
    first, second = get(sandbox, "api/workspace"), get(sandbox, "api/workspace?workspace=2")
    assert (
        first["workspaces"]
        == second["workspaces"]
        == [
            {"key": "1", "name": first["team_name"]},
            {"key": "2", "name": "Second workspace (empty)"},
        ]
    )
    assert (first["workspace"], second["workspace"]) == ("1", "2")
    assert second["partnership"] == "" and second["calendars"] == {}
    assert {c["id"] for c in second["channels"]}.isdisjoint({c["id"] for c in first["channels"]})


def test_the_second_workspace_is_set_up_from_its_home_and_sees_only_its_own(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    user = "U1HWBBM"
    post(sandbox, "api/home", {"user": user, **SECOND})
    button = wait_for(lambda: home_buttons(sandbox, user).get("Set up a partnership"))
    assert button, "the empty workspace's Home offers no setup"
    request = {"user": user, "channel": "D1HWBBM", "view_id": "", **SECOND}
    post(sandbox, "api/action", {**request, "action_id": button["action_id"], "value": ""})
    view = wait_for(lambda: modal(sandbox, user))
    assert view["callback_id"] == "setup.protocol"

    uploaded = post(
        sandbox, "api/upload", {"user": user, "name": "mine.yaml", "content": "boards: 3", **SECOND}
    )
    files = {"upload": {"value": {"type": "file_input", "files": [uploaded["file"]]}}}
    answer = post(
        sandbox, "api/submit", {"user": user, "view_id": view["id"], "values": files, **SECOND}
    )
    assert answer["errors"]["upload"].startswith("mine.yaml:1: ")

    picked = {"type": "static_select", "selected_option": {"value": "bundled:rutland"}}
    values = {
        "protocol": {"value": picked},
        "upload": {"value": {"type": "file_input", "files": []}},
    }
    post(sandbox, "api/submit", {"user": user, "view_id": view["id"], "values": values, **SECOND})
    boards = modal(sandbox, user)
    assert boards["callback_id"] == "setup.boards"

    def channel(value: str) -> Json:
        return {"value": {"type": "conversations_select", "selected_conversation": value}}

    chosen = {
        "channel.hwb": channel("C1HWB"),
        "channel.lrsab": channel("C1PRIVATE"),
        "people.hwb.business_manager": {
            "value": {"type": "multi_users_select", "selected_users": [user]}
        },
    }
    post(sandbox, "api/submit", {"user": user, "view_id": view["id"], "values": chosen, **SECOND})
    assert modal(sandbox, user)["callback_id"] == "setup.preview"
    post(sandbox, "api/submit", {"user": user, "view_id": view["id"], "values": {}, **SECOND})
    done = wait_for(lambda: "is set up" in str(modal(sandbox, user).get("blocks")))
    assert done
    said = str(modal(sandbox, user)["blocks"])
    assert "<#C1HWB>" in said and "/invite @boardbot" in said and "<#C1PRIVATE>" in said

    again = wait_for(lambda: home_buttons(sandbox, user).get("Export setup"))
    assert again, "its business manager is offered the setup's export"
    post(sandbox, "api/home", {"user": "U0HWBBM"})  # the first workspace's HWB manager
    first = wait_for(lambda: get(sandbox, "api/state")["homes"].get("U0HWBBM"))
    assert "Change setup" in str(first) and "C1HWB" not in str(first)
