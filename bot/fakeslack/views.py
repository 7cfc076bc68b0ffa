"""The fake's `views.*` methods: modals and Home tabs, validated and stored with Slack's hashes."""

from __future__ import annotations

import copy
from typing import Any

from bot.fakeslack import blockkit
from bot.fakeslack.state import SlackState
from bot.fakeslack.wire import ApiError, Json, error_metadata


def views_open(ws: SlackState, params: Json) -> Json:
    """Serves views.push too: the fake keeps no modal stack."""
    if not params.get("trigger_id"):
        raise ApiError("invalid_arguments", needed="trigger_id")
    return {"view": store_view(ws, params.get("view"), None)}


def views_update(ws: SlackState, params: Json) -> Json:
    external = params.get("external_id")
    view_id = params.get("view_id") or next(
        (k for k, v in ws.views.items() if external and v.get("external_id") == external),
        None,
    )
    if view_id not in ws.views:
        raise ApiError("not_found")
    return {"view": store_view(ws, params.get("view"), view_id, params.get("hash"))}


def views_publish(ws: SlackState, params: Json) -> Json:
    user = params.get("user_id")
    if not user:
        raise ApiError("invalid_arguments", needed="user_id")
    existing = ws.home.get(user)
    view_id = existing["id"] if existing else None
    stored = store_view(ws, params.get("view"), view_id, params.get("hash"))
    ws.home[user] = stored
    return {"view": stored}


def store_view(ws: SlackState, view: Any, view_id: str | None, expected_hash: Any = None) -> Json:
    """Validate and keep a view; a stale `expected_hash` is refused as Slack refuses it."""
    errors = blockkit.errors_only(blockkit.validate_view(view))
    if errors:
        raise ApiError("invalid_blocks", errors=errors, response_metadata=error_metadata(errors))
    previous = ws.views.get(view_id or "")
    if previous and expected_hash and expected_hash != previous["hash"]:
        raise ApiError("hash_conflict")
    if view_id is None:
        view_id = ws.next_view_id()
    view_hash = ws.next_hash()
    stored: Json = {
        **copy.deepcopy(view),
        "id": view_id,
        "team_id": ws.team_id,
        "bot_id": ws.bot_id,
        "app_id": "A0FAKE",
        "state": {"values": {}},
        "hash": view_hash,
        "root_view_id": view_id,
    }
    ws.views[view_id] = stored
    return copy.deepcopy(stored)
