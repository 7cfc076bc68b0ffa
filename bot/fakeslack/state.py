"""The fake's Slack-side state: channels, DMs, users, messages, ephemerals, views, responses."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.fakeslack.filestore import MAX_FILE_BYTES, FileStore
from bot.fakeslack.wire import ApiError, FakeResponse, Json

TS_BASE = 1_700_000_000_000_000


class SlackState:
    """Everything Slack would remember; callers hold the fake's lock around every use."""

    def __init__(
        self, team_id: str, bot_user_id: str, bot_id: str, *, strict_channels: bool
    ) -> None:
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self.strict_channels = strict_channels
        self.channels: dict[str, Json] = {}
        self.users: dict[str, Json] = {}
        # Message timestamps count up from TS_BASE, or follow `clock` (a test's "now") when set.
        self.clock: Callable[[], datetime] | None = None
        self._ts = TS_BASE
        self._view_seq = self._hash_seq = self._file_seq = 0
        self.base_url = ""  # where the fake is served: upload URLs and files' addresses
        self.max_file_bytes = MAX_FILE_BYTES
        self.clear()

    def clear(self) -> None:
        """Forget traffic; channels, users and the id counters survive."""
        self.messages: dict[str, list[Json]] = {}
        self.ephemerals: list[Json] = []
        self.views: dict[str, Json] = {}
        self.home: dict[str, Json] = {}
        self.responses: list[FakeResponse] = []
        self.links: dict[str, tuple[str, str]] = {}
        self.files = FileStore()
        self.canvases: dict[str, Json] = {}  # canvas id -> its channel, title and markdown

    def reset(self) -> None:
        """Forget traffic, channel flags and DMs; keep added channels and users."""
        for channel in self.channels.values():
            channel.update(is_archived=False, is_member=True)
            channel.pop("properties", None)  # its canvas goes with the traffic
        self.channels = {k: v for k, v in self.channels.items() if not v["is_im"]}
        self.clear()

    def snapshot(self) -> Json:
        """The state a sandbox page draws, uncopied; the caller copies it under the lock."""
        return {
            "channels": list(self.channels.values()),
            "messages": self.messages,
            "ephemerals": self.ephemerals,
            "views": self.views,
            "home_views": self.home,
            "canvases": self.canvases,
            "responses": [asdict(r) for r in self.responses],
        }

    # -- channels --------------------------------------------------------------------------

    def channel_entry(self, channel: str) -> Json:
        channel_id = dm_id(channel)
        if channel_id not in self.channels:
            self.channels[channel_id] = new_channel(channel_id, channel_id)
        return self.channels[channel_id]

    def resolve(self, raw: Any) -> str:
        """A channel id for what a client passed: an id, a `#name` or a user (meaning a DM)."""
        if not isinstance(raw, str) or not raw:
            raise ApiError("channel_not_found")
        if raw[:1] in ("U", "W"):
            return self.open_dm(raw)
        if raw.startswith("#"):
            named = [c["id"] for c in self.channels.values() if c["name"] == raw[1:]]
            if not named:
                raise ApiError("channel_not_found")
            return str(named[0])
        if raw not in self.channels and (self.strict_channels and not raw.startswith("D")):
            raise ApiError("channel_not_found")
        return str(self.channel_entry(raw)["id"])

    def writable(self, raw: Any) -> str:
        channel_id = self.resolve(raw)
        if self.channels[channel_id]["is_archived"]:
            raise ApiError("is_archived")
        if not self.channels[channel_id]["is_member"]:
            raise ApiError("not_in_channel")
        return channel_id

    def open_dm(self, user: str) -> str:
        channel_id = dm_id(user)
        if channel_id not in self.channels:
            self.channels[channel_id] = {**new_channel(channel_id, channel_id), "is_im": True}
            self.channels[channel_id]["user"] = user
        return channel_id

    # -- messages and ids ------------------------------------------------------------------

    def next_ts(self) -> str:
        """A message timestamp: after every earlier one, and not before `clock` says it is."""
        self._ts += 100
        if self.clock is not None:
            self._ts = max(self._ts, int(self.clock().timestamp() * 1_000_000))
        seconds, micros = divmod(self._ts, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def next_view_id(self) -> str:
        self._view_seq += 1
        return f"V{self._view_seq:08d}"

    def next_file_id(self) -> str:
        """A file's id (a canvas is a file too); never reused, even after a reset."""
        self._file_seq += 1
        return f"F{self._file_seq:08d}"

    def next_hash(self) -> str:
        # A fresh hash per write is what lets stale view updates be caught.
        self._hash_seq += 1
        return f"{self._hash_seq}.fakehash"

    def find(self, channel_id: str, ts: Any) -> Json:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise ApiError("message_not_found")

    def append(self, channel_id: str, params: Json) -> Json:
        """Post as the bot; a reply bumps its parent's thread fields as Slack's do."""
        thread_ts = params.get("thread_ts") or None
        message: Json = {
            "type": "message",
            "ts": self.next_ts(),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": params.get("text") or "",
            "blocks": params.get("blocks"),
            "metadata": params.get("metadata"),
            "thread_ts": thread_ts,
        }
        for parent in self.messages.get(channel_id, []):
            if thread_ts and parent["ts"] == thread_ts:
                parent.update(thread_ts=thread_ts, reply_count=parent.get("reply_count", 0) + 1)
        self.messages.setdefault(channel_id, []).append(message)
        return message


def dm_id(channel: str) -> str:
    """The DM channel id for a user id; any other channel id unchanged."""
    return f"D{channel[1:]}" if channel[:1] in ("U", "W") else channel


def public(message: Json, *, metadata: bool = True) -> Json:
    """A copy of a stored message as the API returns it: no null fields."""
    return {
        k: copy.deepcopy(v)
        for k, v in message.items()
        if v is not None and (metadata or k != "metadata")
    }


def new_channel(channel_id: str, name: str, *, member: bool = True, private: bool = False) -> Json:
    return {
        "id": channel_id,
        "name": name,
        "is_archived": False,
        "is_member": member,
        "is_im": False,
        "is_private": private,
    }


def new_user(user_id: str, team_id: str, name: str | None, tz: str) -> Json:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except ZoneInfoNotFoundError:
        offset = None
    name = name or user_id.lower()
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "real_name": name,
        "deleted": False,
        "is_bot": False,
        "is_admin": False,
        "tz": tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {"display_name": name, "real_name": name},
    }
