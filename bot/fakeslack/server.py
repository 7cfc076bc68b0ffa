"""A stand-in for the Slack Web API served over real HTTP, for tests and the local sandbox."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.fakeslack import blockkit

_log = logging.getLogger(__name__)
T = TypeVar("T")
Json = dict[str, Any]
RESPONSE_URL_METHOD = "response_url"
# Form-encoded clients send structured arguments as JSON strings; Slack decodes them server-side.
_JSON_PARAMS = ("blocks", "attachments", "metadata", "view")
_TS_BASE = 1_700_000_000_000_000


@dataclass(frozen=True)
class FakeCall:
    """One request received; `fault` names what was injected, `error` what the fake answered."""

    method: str
    params: Json
    headers: dict[str, str]
    fault: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class FakeResponse:
    """One JSON payload posted to a fake `response_url`."""

    key: str
    response_type: str
    replace_original: bool
    delete_original: bool
    text: str | None
    blocks: list[Json] | None
    payload: Json


@dataclass
class _Fault:
    kind: str
    value: Any
    remaining: int

    @property
    def label(self) -> str:
        return "ratelimited" if self.kind == "ratelimit" else f"{self.kind}:{self.value}"


@dataclass
class _Reply:
    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)


class _ApiError(Exception):
    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.status, self.extra = error, status, extra


class FakeSlack:
    """An in-process Slack Web API on 127.0.0.1 that records every call and can inject faults."""

    def __init__(
        self,
        tokens: Iterable[str] = ("xoxb-test-token",),
        team_id: str = "T0FAKE",
        bot_user_id: str = "U0BOT",
        *,
        bot_id: str = "B0BOT",
        strict_channels: bool = False,
    ) -> None:
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self.strict_channels = strict_channels
        self._tokens = frozenset(tokens)
        # A re-entrant condition lets wait_for predicates call the locking accessors.
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._subscribers: list[Callable[[FakeCall], None]] = []
        self._channels: dict[str, Json] = {}
        self._users: dict[str, Json] = {}
        self._ts = self._view_seq = self._hash_seq = self._version = 0
        self._routes: dict[str, Callable[[Json], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "conversations.history": self._history,
            "conversations.open": self._open,
            "conversations.info": self._info,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            RESPONSE_URL_METHOD: self._response_url,
        }
        self._clear()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes handlers parked in an injected delay
        server.shutdown()
        server.server_close()  # joins handler threads, so no socket outlives the fake
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def base_url(self) -> str:
        return f"{self.url}api/"

    def response_url(
        self, key: str, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """A fake response_url; tie it to a message so replace/delete_original act on it."""
        if channel and message_ts:
            with self._cond:
                self._links[key] = (self._dm_id(channel), message_ts)
        return f"{self.url}response/{key}"

    # -- arranging state -------------------------------------------------------------------

    def add_channel(self, channel_id: str, name: str | None = None, *, member: bool = True) -> None:
        with self._cond:
            self._channels[channel_id] = _channel(channel_id, name or channel_id, member=member)

    def archive(self, channel: str) -> None:
        with self._cond:
            self._channel_entry(channel)["is_archived"] = True

    def remove_bot(self, channel: str) -> None:
        with self._cond:
            self._channel_entry(channel)["is_member"] = False

    def add_user(
        self, user_id: str, name: str | None = None, *, tz: str = "Europe/London", **extra: Any
    ) -> None:
        with self._cond:
            self._users[user_id] = {**_user(user_id, self.team_id, name, tz), **extra}

    def dm_channel_for(self, user_id: str) -> str:
        return self._dm_id(user_id)

    # -- fault injection -------------------------------------------------------------------

    def fail_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        self._queue(self._faults, method, _Fault("error", error, times))

    def status_next(self, method: str, status: int = 503, times: int = 1) -> None:
        self._queue(self._faults, method, _Fault("status", status, times))

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self._queue(self._faults, method, _Fault("ratelimit", retry_after, times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Delays combine with other faults: they hold the answer, whatever it is."""
        self._queue(self._delays, method, _Fault("delay", seconds, times))

    def pending_faults(self, method: str) -> int:
        """Injected faults and delays not yet used up by calls to `method`."""
        with self._cond:
            queued = self._faults.get(method, []) + self._delays.get(method, [])
            return sum(fault.remaining for fault in queued)

    def _queue(self, queue: dict[str, list[_Fault]], method: str, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._cond:
            queue.setdefault(method, []).append(fault)

    # -- inspection ------------------------------------------------------------------------

    @property
    def calls(self) -> list[FakeCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[FakeCall]:
        return [call for call in self.calls if call.method == method]

    def messages(self, channel: str) -> list[Json]:
        """Messages in a channel (or a user's DM), oldest first."""
        with self._cond:
            return copy.deepcopy(self._messages.get(self._dm_id(channel), []))

    def ephemerals(self, user: str | None = None) -> list[Json]:
        with self._cond:
            return [copy.deepcopy(e) for e in self._ephemerals if user in (None, e["user"])]

    def responses(self) -> list[FakeResponse]:
        with self._cond:
            return list(self._responses)

    def views(self) -> dict[str, Json]:
        with self._cond:
            return copy.deepcopy(self._views)

    def home_view(self, user_id: str) -> Json | None:
        with self._cond:
            return copy.deepcopy(self._home.get(user_id))

    def state(self) -> Json:
        """Everything a sandbox page needs to draw; `version` changes whenever anything does."""
        with self._cond:
            return copy.deepcopy(
                {
                    "version": self._version,
                    "team_id": self.team_id,
                    "bot_user_id": self.bot_user_id,
                    "channels": list(self._channels.values()),
                    "messages": self._messages,
                    "ephemerals": self._ephemerals,
                    "views": self._views,
                    "home_views": self._home,
                    "responses": [asdict(r) for r in self._responses],
                }
            )

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until predicate() is truthy or timeout passes; returns its last value."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def subscribe(self, callback: Callable[[FakeCall], None]) -> Callable[[], None]:
        """Call back on every recorded call (from a server thread); returns an unsubscriber."""
        with self._cond:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._cond:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def reset(self) -> None:
        """Forget traffic, faults and channel flags; keep added channels, users and subscribers."""
        with self._cond:
            for channel in self._channels.values():
                channel.update(is_archived=False, is_member=True)
            self._channels = {k: v for k, v in self._channels.items() if not v["is_im"]}
            self._clear()
            self._version += 1
            self._cond.notify_all()

    def _clear(self) -> None:
        self._calls: list[FakeCall] = []
        self._messages: dict[str, list[Json]] = {}
        self._ephemerals: list[Json] = []
        self._views: dict[str, Json] = {}
        self._home: dict[str, Json] = {}
        self._responses: list[FakeResponse] = []
        self._links: dict[str, tuple[str, str]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[_Fault]] = {}

    # -- request pipeline ------------------------------------------------------------------

    def handle(self, method: str, params: Json, headers: dict[str, str]) -> _Reply:
        """Answer one API call as Slack would; the HTTP layer calls this from its threads."""
        with self._cond:
            delay = _take(self._delays, method)
            self._cond.notify_all()  # a used-up delay is observable through pending_faults()
        if delay is not None:
            self._stopping.wait(float(delay.value))
        with self._cond:
            reply, fault = self._answer(method, params, headers)
            labels = [f.label for f in (delay, fault) if f is not None]
            call = FakeCall(
                method, params, headers, "+".join(labels) or None, reply.body.get("error")
            )
            self._calls.append(call)
            self._version += 1
            self._cond.notify_all()
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(call)
            except Exception:  # noqa: BLE001 - a broken observer must not fail the bot's API call
                _log.exception("fake Slack subscriber failed")
        return reply

    def _answer(
        self, method: str, params: Json, headers: dict[str, str]
    ) -> tuple[_Reply, _Fault | None]:
        route = self._routes.get(method)
        if route is None:
            return _Reply(200, {"ok": False, "error": "unknown_method"}), None
        fault = _take(self._faults, method)
        if fault is not None:
            return _fault_reply(fault), fault
        auth_error = None if method == RESPONSE_URL_METHOD else self._auth_error(params, headers)
        if auth_error is not None:
            return _Reply(200, {"ok": False, "error": auth_error}), None
        try:
            return _Reply(200, {"ok": True, **route(params)}), None
        except _ApiError as exc:
            return _Reply(exc.status, {"ok": False, "error": exc.error, **exc.extra}), None
        except (ValueError, TypeError, KeyError, AttributeError):
            return _Reply(200, {"ok": False, "error": "invalid_arguments"}), None

    def _auth_error(self, params: Json, headers: dict[str, str]) -> str | None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else params.get("token")
        if not token:
            return "not_authed"
        return None if token in self._tokens else "invalid_auth"

    # -- channels --------------------------------------------------------------------------

    def _dm_id(self, channel: str) -> str:
        return f"D{channel[1:]}" if channel[:1] in ("U", "W") else channel

    def _channel_entry(self, channel: str) -> Json:
        channel_id = self._dm_id(channel)
        if channel_id not in self._channels:
            self._channels[channel_id] = _channel(channel_id, channel_id)
        return self._channels[channel_id]

    def _resolve(self, raw: Any) -> str:
        if not isinstance(raw, str) or not raw:
            raise _ApiError("channel_not_found")
        if raw[:1] in ("U", "W"):
            return self._open_dm(raw)
        if raw.startswith("#"):
            named = [c["id"] for c in self._channels.values() if c["name"] == raw[1:]]
            if not named:
                raise _ApiError("channel_not_found")
            return str(named[0])
        if raw not in self._channels and (self.strict_channels and not raw.startswith("D")):
            raise _ApiError("channel_not_found")
        return str(self._channel_entry(raw)["id"])

    def _writable(self, raw: Any) -> str:
        channel_id = self._resolve(raw)
        if self._channels[channel_id]["is_archived"]:
            raise _ApiError("is_archived")
        if not self._channels[channel_id]["is_member"]:
            raise _ApiError("not_in_channel")
        return channel_id

    def _open_dm(self, user: str) -> str:
        channel_id = self._dm_id(user)
        if channel_id not in self._channels:
            self._channels[channel_id] = {**_channel(channel_id, channel_id), "is_im": True}
            self._channels[channel_id]["user"] = user
        return channel_id

    def _next_ts(self) -> str:
        self._ts += 100
        seconds, micros = divmod(_TS_BASE + self._ts, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _find(self, channel_id: str, ts: Any) -> Json:
        for message in self._messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise _ApiError("message_not_found")

    # -- Web API methods -------------------------------------------------------------------

    def _auth_test(self, params: Json) -> Json:
        return {
            "url": "https://fake-slack.invalid/",
            "team": "Fake Team",
            "user": "boardbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: Json) -> Json:
        channel_id = self._writable(params.get("channel"))
        _check_content(params.get("text"), params.get("blocks"), params.get("attachments"))
        message = self._append(channel_id, params)
        return {"channel": channel_id, "ts": message["ts"], "message": _public(message)}

    def _append(self, channel_id: str, params: Json) -> Json:
        thread_ts = params.get("thread_ts") or None
        message: Json = {
            "type": "message",
            "ts": self._next_ts(),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": params.get("text") or "",
            "blocks": params.get("blocks"),
            "metadata": params.get("metadata"),
            "thread_ts": thread_ts,
        }
        for parent in self._messages.get(channel_id, []):
            if thread_ts and parent["ts"] == thread_ts:
                parent.update(thread_ts=thread_ts, reply_count=parent.get("reply_count", 0) + 1)
        self._messages.setdefault(channel_id, []).append(message)
        return message

    def _post_ephemeral(self, params: Json) -> Json:
        channel_id = self._writable(params.get("channel"))
        if not params.get("user"):
            raise _ApiError("user_not_found")
        _check_content(params.get("text"), params.get("blocks"), params.get("attachments"))
        ts = self._next_ts()
        keys = ("user", "text", "blocks", "thread_ts")
        self._ephemerals.append(
            {"channel": channel_id, "ts": ts, **{k: params.get(k) for k in keys}}
        )
        return {"message_ts": ts}

    def _update(self, params: Json) -> Json:
        channel_id = self._writable(params.get("channel"))
        message = self._find(channel_id, params.get("ts"))
        if not any(k in params for k in ("text", "blocks", "attachments", "metadata")):
            raise _ApiError("no_text")
        text = params.get("text", message["text"])
        _check_content(text, params.get("blocks", message["blocks"]), params.get("attachments"))
        for key in ("text", "blocks", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        public = _public(message)
        return {
            "channel": channel_id,
            "ts": message["ts"],
            "text": message["text"],
            "message": public,
        }

    def _delete(self, params: Json) -> Json:
        channel_id = self._writable(params.get("channel"))
        self._messages[channel_id].remove(self._find(channel_id, params.get("ts")))
        return {"channel": channel_id, "ts": params["ts"]}

    def _history(self, params: Json) -> Json:
        channel_id = self._resolve(params.get("channel"))
        if not self._channels[channel_id]["is_member"]:
            raise _ApiError("not_in_channel")
        window = _Window.from_params(params)
        found = [
            m
            for m in reversed(self._messages.get(channel_id, []))
            if m["thread_ts"] in (None, m["ts"]) and window.contains(m["ts"])
        ]
        limit = min(int(params.get("limit") or 100), 999)
        start = int(params.get("cursor") or 0)
        page, more = found[start : start + limit], start + limit < len(found)
        with_metadata = _truthy(params.get("include_all_metadata"))
        return {
            "messages": [_public(m, metadata=with_metadata) for m in page],
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _open(self, params: Json) -> Json:
        users = sorted(u for u in str(params.get("users") or "").split(",") if u)
        if not users:
            raise _ApiError("users_list_not_supplied")
        if len(users) > 1:
            raise _ApiError("not_supported", needed="one user per DM in this fake")
        already = self._dm_id(users[0]) in self._channels
        return {
            "no_op": already,
            "already_open": already,
            "channel": {"id": self._open_dm(users[0])},
        }

    def _info(self, params: Json) -> Json:
        channel = dict(self._channels[self._resolve(params.get("channel"))])
        channel.update(is_channel=not channel["is_im"], is_private=False, created=1_700_000_000)
        return {"channel": channel}

    def _views_open(self, params: Json) -> Json:
        if not params.get("trigger_id"):
            raise _ApiError("invalid_arguments", needed="trigger_id")
        return {"view": self._store_view(params.get("view"), None)}

    def _views_update(self, params: Json) -> Json:
        external = params.get("external_id")
        view_id = params.get("view_id") or next(
            (k for k, v in self._views.items() if external and v.get("external_id") == external),
            None,
        )
        if view_id not in self._views:
            raise _ApiError("not_found")
        return {"view": self._store_view(params.get("view"), view_id, params.get("hash"))}

    def _views_publish(self, params: Json) -> Json:
        user = params.get("user_id")
        if not user:
            raise _ApiError("invalid_arguments", needed="user_id")
        existing = self._home.get(user)
        view_id = existing["id"] if existing else None
        stored = self._store_view(params.get("view"), view_id, params.get("hash"))
        self._home[user] = stored
        return {"view": stored}

    def _store_view(self, view: Any, view_id: str | None, expected_hash: Any = None) -> Json:
        errors = blockkit.errors_only(blockkit.validate_view(view))
        if errors:
            raise _ApiError("invalid_blocks", errors=errors, response_metadata=_messages(errors))
        previous = self._views.get(view_id or "")
        if previous and expected_hash and expected_hash != previous["hash"]:
            raise _ApiError("hash_conflict")
        if view_id is None:
            self._view_seq += 1
            view_id = f"V{self._view_seq:08d}"
        self._hash_seq += 1  # a fresh hash per write is what lets stale updates be caught
        stored: Json = {
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": self.team_id,
            "bot_id": self.bot_id,
            "app_id": "A0FAKE",
            "state": {"values": {}},
            "hash": f"{self._hash_seq}.fakehash",
            "root_view_id": view_id,
        }
        self._views[view_id] = stored
        return copy.deepcopy(stored)

    def _users_info(self, params: Json) -> Json:
        user_id = str(params.get("user") or "")
        if user_id in self._users:
            return {"user": copy.deepcopy(self._users[user_id])}
        if user_id[:1] not in ("U", "W"):
            raise _ApiError("user_not_found")
        return {"user": _user(user_id, self.team_id, None, "Europe/London")}

    def _response_url(self, params: Json) -> Json:
        text, blocks = params.get("text"), params.get("blocks")
        errors = blockkit.errors_only(blockkit.validate_message(text, blocks))
        if errors:
            raise _ApiError("invalid_blocks", status=400, errors=errors)
        response = FakeResponse(
            key=str(params.get("_key")),
            response_type=str(params.get("response_type") or "ephemeral"),
            replace_original=_truthy(params.get("replace_original")),
            delete_original=_truthy(params.get("delete_original")),
            text=text,
            blocks=blocks,
            payload={k: v for k, v in params.items() if k != "_key"},
        )
        self._responses.append(response)
        link = self._links.get(response.key)
        if link is not None:
            self._apply_response(response, *link)
        return {}

    def _apply_response(self, response: FakeResponse, channel_id: str, ts: str) -> None:
        message = next((m for m in self._messages.get(channel_id, []) if m["ts"] == ts), None)
        if message is not None and response.delete_original:
            self._messages[channel_id].remove(message)
        elif message is not None and response.replace_original:
            message.update(text=response.text or "", blocks=response.blocks)
        elif response.response_type == "in_channel":
            self._append(channel_id, {"text": response.text, "blocks": response.blocks})


@dataclass(frozen=True)
class _Window:
    oldest: Decimal
    latest: Decimal | None
    inclusive: bool

    @classmethod
    def from_params(cls, params: Json) -> _Window:
        try:
            oldest = Decimal(str(params.get("oldest") or 0))
            latest = Decimal(str(params["latest"])) if params.get("latest") else None
        except InvalidOperation as exc:
            raise _ApiError("invalid_ts_oldest") from exc
        return cls(oldest, latest, _truthy(params.get("inclusive")))

    def contains(self, ts: str) -> bool:
        value = Decimal(ts)
        if self.inclusive:
            return value >= self.oldest and (self.latest is None or value <= self.latest)
        return value > self.oldest and (self.latest is None or value < self.latest)


def _take(queue: dict[str, list[_Fault]], method: str) -> _Fault | None:
    pending = queue.get(method)
    if not pending:
        return None
    fault = pending[0]
    fault.remaining -= 1
    if fault.remaining <= 0:
        pending.pop(0)
    return fault


def _fault_reply(fault: _Fault) -> _Reply:
    if fault.kind == "ratelimit":
        headers = {"Retry-After": str(fault.value)}
        return _Reply(429, {"ok": False, "error": "ratelimited"}, headers)
    if fault.kind == "status":
        phrase = HTTPStatus(fault.value).phrase.lower().replace(" ", "_")
        return _Reply(int(fault.value), {"ok": False, "error": phrase})
    return _Reply(200, {"ok": False, "error": str(fault.value)})


def _check_content(text: Any, blocks: Any, attachments: Any) -> None:
    if isinstance(blocks, str):
        raise _ApiError("invalid_blocks_format")
    if not text and not blocks and not attachments:
        raise _ApiError("no_text")
    if isinstance(text, str) and len(text) > blockkit.MAX_MESSAGE_TEXT:
        raise _ApiError("msg_too_long")
    errors = blockkit.errors_only(blockkit.validate_message(text, blocks))
    if errors:
        raise _ApiError("invalid_blocks", errors=errors, response_metadata=_messages(errors))


def _messages(errors: list[str]) -> Json:
    return {"messages": [f"[ERROR] {e}" for e in errors]}


def _public(message: Json, *, metadata: bool = True) -> Json:
    return {
        k: copy.deepcopy(v)
        for k, v in message.items()
        if v is not None and (metadata or k != "metadata")
    }


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _channel(channel_id: str, name: str, *, member: bool = True) -> Json:
    return {
        "id": channel_id,
        "name": name,
        "is_archived": False,
        "is_member": member,
        "is_im": False,
    }


def _user(user_id: str, team_id: str, name: str | None, tz: str) -> Json:
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


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client gave up first (e.g. its own timeout); nothing to report
        _log.exception("fake Slack request failed")


class _Handler(BaseHTTPRequestHandler):
    # Bounds how long a silent client can hold a handler thread, and so how long stop() waits.
    timeout = 5.0

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/_fake/state":
            self._send(_Reply(200, self._fake.state()))
        else:
            self._route({})

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, UnicodeDecodeError):
            self._send(_Reply(200, {"ok": False, "error": "invalid_json"}))
            return
        self._route(body)

    @property
    def _fake(self) -> FakeSlack:
        assert isinstance(self.server, _Server)
        return self.server.fake

    def _read_body(self) -> Json:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get_content_type() == "application/json":
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            return data
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))

    def _route(self, body: Json) -> None:
        parts = urlsplit(self.path)
        params: Json = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **body}
        for key in _JSON_PARAMS:
            if isinstance(params.get(key), str) and params[key][:1] in ("[", "{"):
                # Undecodable JSON stays a string, which the method rejects as Slack would.
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        headers = dict(self.headers.items())
        if parts.path.startswith("/api/"):
            reply = self._fake.handle(parts.path[len("/api/") :], params, headers)
        elif parts.path.startswith("/response/"):
            params["_key"] = parts.path[len("/response/") :]
            reply = self._fake.handle(RESPONSE_URL_METHOD, params, headers)
        else:
            reply = _Reply(404, {"ok": False, "error": "not_found"})
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        data = json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")  # the sandbox page polls cross-origin
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep per-request access logs out of test output."""
