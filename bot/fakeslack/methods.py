"""The Web API methods the fake answers, and the route table from method name to function."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.fakeslack import blockkit
from bot.fakeslack.canvases import create_channel_canvas, edit_canvas
from bot.fakeslack.files import complete_upload, file_info, get_upload_url
from bot.fakeslack.state import SlackState, dm_id, new_user, public
from bot.fakeslack.views import views_open, views_publish, views_update
from bot.fakeslack.wire import (
    RESPONSE_URL_METHOD,
    ApiError,
    FakeResponse,
    Json,
    error_metadata,
    truthy,
)

Method = Callable[[SlackState, Json], Json]


def auth_test(ws: SlackState, params: Json) -> Json:
    return {
        "url": "https://fake-slack.invalid/",
        "team": "Fake Team",
        "user": "boardbot",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def post_message(ws: SlackState, params: Json) -> Json:
    channel_id = ws.writable(params.get("channel"))
    check_content(params.get("text"), params.get("blocks"), params.get("attachments"))
    message = ws.append(channel_id, params)
    return {"channel": channel_id, "ts": message["ts"], "message": public(message)}


def post_ephemeral(ws: SlackState, params: Json) -> Json:
    channel_id = ws.writable(params.get("channel"))
    if not params.get("user"):
        raise ApiError("user_not_found")
    check_content(params.get("text"), params.get("blocks"), params.get("attachments"))
    ts = ws.next_ts()
    keys = ("user", "text", "blocks", "thread_ts")
    ws.ephemerals.append({"channel": channel_id, "ts": ts, **{k: params.get(k) for k in keys}})
    return {"message_ts": ts}


def update(ws: SlackState, params: Json) -> Json:
    channel_id = ws.writable(params.get("channel"))
    message = ws.find(channel_id, params.get("ts"))
    if not any(k in params for k in ("text", "blocks", "attachments", "metadata")):
        raise ApiError("no_text")
    text = params.get("text", message["text"])
    check_content(text, params.get("blocks", message["blocks"]), params.get("attachments"))
    for key in ("text", "blocks", "metadata"):
        if key in params:
            message[key] = params[key]
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    return {
        "channel": channel_id,
        "ts": message["ts"],
        "text": message["text"],
        "message": public(message),
    }


def delete(ws: SlackState, params: Json) -> Json:
    channel_id = ws.writable(params.get("channel"))
    ws.messages[channel_id].remove(ws.find(channel_id, params.get("ts")))
    return {"channel": channel_id, "ts": params["ts"]}


def history(ws: SlackState, params: Json) -> Json:
    """Top-level messages newest first, paged by an offset cursor; replies stay in threads."""
    channel_id = ws.resolve(params.get("channel"))
    if not ws.channels[channel_id]["is_member"]:
        raise ApiError("not_in_channel")
    window = Window.from_params(params)
    found = [
        m
        for m in reversed(ws.messages.get(channel_id, []))
        if m["thread_ts"] in (None, m["ts"]) and window.contains(m["ts"])
    ]
    limit = min(int(params.get("limit") or 100), 999)
    start = int(params.get("cursor") or 0)
    page, more = found[start : start + limit], start + limit < len(found)
    with_metadata = truthy(params.get("include_all_metadata"))
    return {
        "messages": [public(m, metadata=with_metadata) for m in page],
        "has_more": more,
        "pin_count": 0,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def open_conversation(ws: SlackState, params: Json) -> Json:
    users = sorted(u for u in str(params.get("users") or "").split(",") if u)
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        raise ApiError("not_supported", needed="one user per DM in this fake")
    already = dm_id(users[0]) in ws.channels
    return {"no_op": already, "already_open": already, "channel": {"id": ws.open_dm(users[0])}}


def info(ws: SlackState, params: Json) -> Json:
    channel = dict(ws.channels[ws.resolve(params.get("channel"))])
    private = bool(channel.get("is_private"))
    channel.update(is_channel=not channel["is_im"], is_private=private, created=1_700_000_000)
    return {"channel": channel}


def join(ws: SlackState, params: Json) -> Json:
    """The bot joins a public channel; a private one takes an /invite, as Slack says."""
    channel_id = ws.resolve(params.get("channel"))
    channel = ws.channels[channel_id]
    if channel["is_im"] or channel.get("is_private"):
        raise ApiError("method_not_supported_for_channel_type")
    if channel["is_archived"]:
        raise ApiError("is_archived")
    already = channel["is_member"]
    channel["is_member"] = True
    answer: Json = {"channel": copy.deepcopy(channel)}
    if already:
        answer.update(warning="already_in_channel")
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    return answer


def conversations_list(ws: SlackState, params: Json) -> Json:
    """Channels (never DMs), paged by an offset cursor; archived ones unless excluded."""
    skip_archived = truthy(params.get("exclude_archived"))
    found = [
        {**copy.deepcopy(c), "is_channel": True, "is_private": False}
        for c in ws.channels.values()
        if not c["is_im"] and not (skip_archived and c["is_archived"])
    ]
    limit = min(int(params.get("limit") or 100), 1000)
    start = int(params.get("cursor") or 0)
    page, more = found[start : start + limit], start + limit < len(found)
    return {
        "channels": page,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def users_lookup_by_email(ws: SlackState, params: Json) -> Json:
    email = str(params.get("email") or "").lower()
    for user in ws.users.values():
        if str(user.get("profile", {}).get("email") or "").lower() == email and email:
            return {"user": copy.deepcopy(user)}
    raise ApiError("users_not_found")


def users_info(ws: SlackState, params: Json) -> Json:
    user_id = str(params.get("user") or "")
    if user_id in ws.users:
        return {"user": copy.deepcopy(ws.users[user_id])}
    if user_id[:1] not in ("U", "W"):
        raise ApiError("user_not_found")
    return {"user": new_user(user_id, ws.team_id, None, "Europe/London")}


def response_url(ws: SlackState, params: Json) -> Json:
    """A POST to a response_url; one tied to a message may replace or delete it."""
    text, blocks = params.get("text"), params.get("blocks")
    errors = blockkit.errors_only(blockkit.validate_message(text, blocks))
    if errors:
        raise ApiError("invalid_blocks", status=400, errors=errors)
    response = FakeResponse(
        key=str(params.get("_key")),
        response_type=str(params.get("response_type") or "ephemeral"),
        replace_original=truthy(params.get("replace_original")),
        delete_original=truthy(params.get("delete_original")),
        text=text,
        blocks=blocks,
        payload={k: v for k, v in params.items() if k != "_key"},
    )
    ws.responses.append(response)
    link = ws.links.get(response.key)
    if link is not None:
        _apply_response(ws, response, *link)
    return {}


def _apply_response(ws: SlackState, response: FakeResponse, channel_id: str, ts: str) -> None:
    message = next((m for m in ws.messages.get(channel_id, []) if m["ts"] == ts), None)
    if message is not None and response.delete_original:
        ws.messages[channel_id].remove(message)
    elif message is not None and response.replace_original:
        message.update(text=response.text or "", blocks=response.blocks)
    elif response.response_type == "in_channel":
        ws.append(channel_id, {"text": response.text, "blocks": response.blocks})


@dataclass(frozen=True)
class Window:
    """The `oldest`/`latest`/`inclusive` bounds of a conversations.history call."""

    oldest: Decimal
    latest: Decimal | None
    inclusive: bool

    @classmethod
    def from_params(cls, params: Json) -> Window:
        try:
            oldest = Decimal(str(params.get("oldest") or 0))
            latest = Decimal(str(params["latest"])) if params.get("latest") else None
        except InvalidOperation as exc:
            raise ApiError("invalid_ts_oldest") from exc
        return cls(oldest, latest, truthy(params.get("inclusive")))

    def contains(self, ts: str) -> bool:
        value = Decimal(ts)
        if self.inclusive:
            return value >= self.oldest and (self.latest is None or value <= self.latest)
        return value > self.oldest and (self.latest is None or value < self.latest)


def check_content(text: Any, blocks: Any, attachments: Any) -> None:
    """Refuse a message body as chat.postMessage and chat.update would."""
    if isinstance(blocks, str):
        raise ApiError("invalid_blocks_format")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if isinstance(text, str) and len(text) > blockkit.MAX_MESSAGE_TEXT:
        raise ApiError("msg_too_long")
    errors = blockkit.errors_only(blockkit.validate_message(text, blocks))
    if errors:
        raise ApiError("invalid_blocks", errors=errors, response_metadata=error_metadata(errors))


ROUTES: dict[str, Method] = {
    "auth.test": auth_test,
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "conversations.history": history,
    "conversations.open": open_conversation,
    "conversations.info": info,
    "conversations.join": join,
    "views.open": views_open,
    "views.push": views_open,
    "views.update": views_update,
    "views.publish": views_publish,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.list": conversations_list,
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": file_info,
    "conversations.canvases.create": create_channel_canvas,
    "canvases.edit": edit_canvas,
    RESPONSE_URL_METHOD: response_url,
}
