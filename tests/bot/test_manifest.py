"""The Slack app manifest: its commands are the registry's, and it asks for what boardbot uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.oauth import BOT_SCOPES, REDIRECT_PATH
from commands.registry import FAMILIES

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
# What each Web API method boardbot calls needs (chat.postMessage also posts to channels the
# bot has not joined; conversations.history reads public, private and direct conversations).
NEEDED_SCOPES = {
    "chat.postMessage": {"chat:write", "chat:write.public"},
    "conversations.history": {"channels:history", "groups:history", "im:history"},
    "conversations.open": {"im:write"},
    # files_upload_v2: files.getUploadURLExternal and files.completeUploadExternal
    "files_upload_v2": {"files:write"},
    "conversations.canvases.create": {"canvases:write"},
    "canvases.edit": {"canvases:write"},
    "conversations.info": {"channels:read", "groups:read"},
    "conversations.join": {"channels:join"},
    "files.info": {"files:read"},  # and reading its url_private
    "users.info": {"users:read"},
    "conversations.list": {"channels:read", "groups:read"},
    "users.lookupByEmail": {"users:read.email"},
    "slash commands": {"commands"},
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_its_slash_commands_are_exactly_the_registered_families(manifest: dict[str, Any]) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert len(commands) == len(set(commands))
    assert set(commands) == set(FAMILIES)


def test_every_command_escapes_channels_and_users_and_explains_itself(
    manifest: dict[str, Any],
) -> None:
    for command in manifest["features"]["slash_commands"]:
        assert command["should_escape"] is True, command["command"]
        assert command["description"] and command["usage_hint"], command["command"]
        assert len(command["description"]) <= 100, command["command"]


def test_every_request_url_is_the_one_http_path(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"]]
    urls += [settings["interactivity"]["request_url"]]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls)


@pytest.mark.parametrize("method", sorted(NEEDED_SCOPES))
def test_it_asks_for_the_scopes_each_api_method_needs(
    manifest: dict[str, Any], method: str
) -> None:
    assert NEEDED_SCOPES[method] <= set(manifest["oauth_config"]["scopes"]["bot"])


def test_the_home_tab_is_enabled_and_its_opening_is_subscribed(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_it_names_the_app_boardbot(manifest: dict[str, Any]) -> None:
    assert manifest["display_information"]["name"] == "boardbot"
    assert manifest["features"]["bot_user"]["display_name"] == "boardbot"
    assert len(manifest["display_information"]["description"]) <= 140


def test_add_to_slack_asks_for_exactly_the_manifests_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(BOT_SCOPES) == len(set(BOT_SCOPES))
    assert set(BOT_SCOPES) == set(scopes) and len(scopes) == len(set(scopes))


def test_slack_sends_installers_back_to_the_oauth_redirect(manifest: dict[str, Any]) -> None:
    urls = manifest["oauth_config"]["redirect_urls"]
    assert urls and all(u.startswith("https://") and u.endswith(REDIRECT_PATH) for u in urls)


def test_it_hears_when_a_workspace_removes_it_and_may_be_installed_org_wide(
    manifest: dict[str, Any],
) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)
    assert manifest["settings"]["org_deploy_enabled"] is True
