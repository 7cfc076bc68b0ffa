"""Channel canvases in the stand-in Slack: conversations.canvases.create and canvases.edit.

A canvas is a file (its id starts with F) tabbed in one channel; conversations.info shows it
as the channel's `properties.canvas`, as Slack does. Errors a workspace without canvases gives
(`team_tier_cannot_create_channel_canvases`, `canvas_disabled_user_team`) are injected with the
fake's fault methods; `not_allowed_token_type` comes from the token check itself.
"""

from __future__ import annotations

from typing import Any

from bot.fakeslack.files import decoded
from bot.fakeslack.state import SlackState
from bot.fakeslack.wire import ApiError, Json

MAX_MARKDOWN = 1_048_576  # characters: Slack's limit on a document's markdown
INSERTS = {"insert_at_start", "insert_at_end"}


def create_channel_canvas(ws: SlackState, params: Json) -> Json:
    channel_id = ws.writable(params.get("channel_id"))
    channel = ws.channels[channel_id]
    if "canvas" in channel.get("properties", {}):
        raise ApiError("channel_canvas_already_exists")
    markdown = document_markdown(params.get("document_content"), "canvas_creation_failed", "")
    canvas_id = place_canvas(ws, channel_id, markdown, str(params.get("title") or ""))
    return {"canvas_id": canvas_id}


def place_canvas(ws: SlackState, channel_id: str, markdown: str, title: str = "") -> str:
    """A canvas tabbed in the channel (as conversations.canvases.create, or a person, makes)."""
    canvas_id, ts = ws.next_file_id(), ws.next_ts()
    ws.canvases[canvas_id] = {
        "id": canvas_id,
        "channel": channel_id,
        "title": title or ws.channels[channel_id]["name"],
        "markdown": markdown,
        "created": ts,
        "updated": ts,
    }
    properties = ws.channels[channel_id].setdefault("properties", {})
    properties["canvas"] = {"file_id": canvas_id, "is_empty": not markdown}
    return canvas_id


def edit_canvas(ws: SlackState, params: Json) -> Json:
    canvas = ws.canvases.get(str(params.get("canvas_id") or ""))
    if canvas is None:
        raise ApiError("canvas_not_found")
    changes = decoded(params.get("changes"))
    if not isinstance(changes, list) or not changes:
        raise ApiError("invalid_arguments")
    markdown = str(canvas["markdown"])
    for change in changes:
        markdown = applied(markdown, change)
    canvas.update(markdown=markdown, updated=ws.next_ts())
    properties = ws.channels[canvas["channel"]].get("properties", {})
    if properties.get("canvas", {}).get("file_id") == canvas["id"]:
        properties["canvas"]["is_empty"] = not markdown
    return {}


def applied(markdown: str, change: Any) -> str:
    """One change of canvases.edit; only whole-document ones (no section_id) are kept here."""
    if not isinstance(change, dict) or change.get("section_id"):
        raise ApiError("canvas_editing_failed")
    operation = change.get("operation")
    content = document_markdown(change.get("document_content"), "canvas_editing_failed")
    if operation == "replace":
        return content
    if operation in INSERTS:
        return content + markdown if operation == "insert_at_start" else markdown + content
    raise ApiError("canvas_editing_failed")


def delete_canvas(ws: SlackState, canvas_id: str) -> None:
    """A person deletes the canvas: its tab goes from the channel."""
    canvas = ws.canvases.pop(canvas_id)
    properties = ws.channels[canvas["channel"]].get("properties", {})
    if properties.get("canvas", {}).get("file_id") == canvas_id:
        del properties["canvas"]


def document_markdown(content: Any, too_long: str, missing: str | None = None) -> str:
    """The markdown of a document_content; `too_long`: the error past Slack's limit."""
    content = decoded(content)
    if content is None and missing is not None:
        return missing
    if not isinstance(content, dict) or content.get("type") != "markdown":
        raise ApiError("invalid_arguments")
    markdown = content.get("markdown")
    if not isinstance(markdown, str):
        raise ApiError("invalid_arguments")
    if len(markdown) > MAX_MARKDOWN:
        raise ApiError(too_long)
    return markdown
