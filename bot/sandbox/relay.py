"""SlackRelay: plays Slack's part towards the bot, turning page actions into signed requests."""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.fakeslack import FakeCall, FakeSlack
from bot.sandbox.demo import (
    DemoSetup,
    button_action,
    command_fields,
    home_opened_event,
    interaction_fields,
)

Json = dict[str, Any]
BOT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Origin:
    """Who caused a response_url: what the page shows when the bot posts to it."""

    user: str
    channel: str
    command: str = ""
    message_ts: str = "0"  # the message a clicked button sat on ("0": none)
    replaces: str | None = None  # or the ephemeral it sat on


class SlackRelay:
    """Slack's side: signs requests to the bot and keeps what Slack would remember about them."""

    def __init__(
        self,
        fake: FakeSlack,
        bot_url: str,
        signing_secret: str,
        demo: DemoSetup,
        now: Callable[[], datetime],
    ) -> None:
        self.fake, self.bot_url, self.demo, self.now = fake, bot_url, demo, now
        self._verifier = SignatureVerifier(signing_secret)
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._version = 0
        self._origins: dict[str, Origin] = {}
        # response key -> (sort key, when posted) of each post to it
        self._anchors: dict[str, list[tuple[str, float]]] = {}
        self._acks: list[Json] = []  # a command's immediate answer, shown only to its sender
        self._triggers: dict[str, str] = {}  # trigger_id -> user
        self._modals: dict[str, list[str]] = {}  # user -> stack of view ids
        self._unsubscribe = fake.subscribe(self._observe)

    def close(self) -> None:
        self._unsubscribe()

    @property
    def version(self) -> int:
        with self._lock:
            return self._version

    # -- what the page does ----------------------------------------------------------------

    def command(self, user: str, channel: str, text: str) -> Json:
        name, _, rest = text.strip().partition(" ")
        key = self._origin(Origin(user, channel, command=text.strip()))
        form = {
            **command_fields(self.demo, self.fake.team_id, user, channel),
            "command": name,
            "text": rest.strip(),
            "response_url": self.fake.response_url(key, channel=channel, message_ts="0"),
            "trigger_id": self._trigger(user),
        }
        status, answer = self._send(urlencode(form), "application/x-www-form-urlencoded")
        if status != 200:
            self._ack(user, channel, text, {"text": f"{name} failed: {_failure(status)}"})
        elif answer.get("text") or answer.get("blocks"):
            self._ack(user, channel, text, answer)
        return {"ok": status == 200, "status": status}

    def action(self, user: str, channel: str, request: Json) -> Json:
        """A button in a message, an ephemeral (`ephemeral_id`) or a view (`view_id`)."""
        message_ts, view_id = str(request.get("message_ts") or ""), request.get("view_id")
        replaces = request.get("ephemeral_id") or None
        linked_ts = "0" if replaces or not message_ts else message_ts
        key = self._origin(Origin(user, channel, message_ts=linked_ts, replaces=replaces))
        payload: Json = {
            "type": "block_actions",
            **interaction_fields(self.demo, self.fake.team_id, user),
            "trigger_id": self._trigger(user),
            "response_url": self.fake.response_url(key, channel=channel, message_ts=linked_ts),
            "actions": [button_action(request, self.now())],
            "state": {"values": {}},
        }
        if view_id:
            payload["container"] = {"type": "view", "view_id": view_id}
            payload["view"] = self._view(str(view_id))
        else:
            payload["channel"] = {"id": channel, "name": self.demo.channel_name(channel)}
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": bool(replaces),
            }
            payload["message"] = self._message(channel, message_ts)
        status, _ = self._send(urlencode({"payload": json.dumps(payload)}), _FORM)
        return {"ok": status == 200, "status": status}

    def submit(self, user: str, view_id: str, values: Json) -> Json:
        view = {**self._view(view_id), "state": {"values": values}}
        payload = {
            "type": "view_submission",
            **interaction_fields(self.demo, self.fake.team_id, user),
            "trigger_id": self._trigger(user),
            "view": view,
            "response_urls": [],
        }
        status, answer = self._send(urlencode({"payload": json.dumps(payload)}), _FORM)
        if status != 200:
            return {"ok": False, "status": status, "errors": {}}
        if answer.get("response_action") == "errors":
            return {"ok": True, "status": status, "errors": answer.get("errors") or {}}
        if answer.get("response_action") == "update":  # the next step, in the same modal
            self.fake.update_view(view_id, answer.get("view") or {})
            with self._lock:
                self._version += 1
            return {"ok": True, "status": status, "errors": {}}
        self.close_modal(user, view_id)
        return {"ok": True, "status": status, "errors": {}}

    def close_modal(self, user: str, view_id: str) -> Json:
        """Cancel, or a form accepted: Slack closes the modal (no notify_on_close here)."""
        with self._lock:
            self._modals[user] = [v for v in self._modals.get(user, []) if v != view_id]
            self._version += 1
        return {"ok": True}

    def close_every_modal(self) -> Json:
        """A page (re)loaded: as a Slack client that goes away, it leaves no modal open."""
        with self._lock:
            if any(self._modals.values()):
                self._modals = {}
                self._version += 1
        return {"ok": True}

    def home_opened(self, user: str) -> Json:
        body = home_opened_event(user, self.fake.home_view(user), self.fake.team_id, self.now())
        status, _ = self._send(json.dumps(body), "application/json")
        return {"ok": status == 200, "status": status}

    # -- what the page sees ----------------------------------------------------------------

    def ephemerals(self, state: Json) -> list[Json]:
        """Ephemerals from chat.postEphemeral, command answers and response_url posts, in order."""
        items = [
            {**e, "id": f"e{e['ts']}", "sort": f"{e['ts']}:0", "posted": float(e["ts"])}
            for e in state["ephemerals"]
        ]
        with self._lock:
            items += [dict(a) for a in self._acks]
            seen: dict[str, int] = {}
            for response in state["responses"]:
                key = response["key"]
                n, seen[key] = seen.get(key, 0), seen.get(key, 0) + 1
                origin, anchors = self._origins.get(key), self._anchors.get(key, [])
                if origin is not None and n < len(anchors):
                    _apply_response(items, response, origin, f"r{key}.{n}", anchors[n])
        return sorted((i for i in items if not i.get("deleted")), key=lambda i: i["sort"])

    def modals(self, state: Json) -> dict[str, Json]:
        with self._lock:
            stacks = {user: stack[-1] for user, stack in self._modals.items() if stack}
        views = state["views"]
        return {user: views[view_id] for user, view_id in stacks.items() if view_id in views}

    # -- bookkeeping -----------------------------------------------------------------------

    def _observe(self, call: FakeCall) -> None:
        """Runs on a fake Slack thread after every API call the bot makes."""
        if call.error is not None:
            return
        if call.method == "response_url":
            key = str(call.params.get("_key"))
            origin = self._origins.get(key)
            anchor = self._anchor(origin.channel) if origin else "0"
            with self._lock:
                self._anchors.setdefault(key, []).append((anchor, self.now().timestamp()))
                self._version += 1  # a page that polled in between must look again
        elif call.method in ("views.open", "views.push"):
            self._opened(call)

    def _opened(self, call: FakeCall) -> None:
        wanted = call.params.get("view") or {}
        with self._lock:
            user = self._triggers.get(str(call.params.get("trigger_id")))
            taken = {v for stack in self._modals.values() for v in stack}
            found = [
                view_id
                for view_id, view in self.fake.views().items()
                if view_id not in taken and all(view.get(k) == v for k, v in wanted.items())
            ]
            if user is None or not found:
                return
            stack = self._modals.setdefault(user, [])
            if call.method == "views.open":
                stack.clear()
            stack.append(max(found))
            self._version += 1

    def _ack(self, user: str, channel: str, command: str, answer: Json) -> None:
        anchor = self._anchor(channel)
        with self._lock:
            seq = next(self._seq)
            self._acks.append(
                {
                    "id": f"a{seq}",
                    "user": user,
                    "channel": channel,
                    "command": command,
                    "text": answer.get("text") or "",
                    "blocks": answer.get("blocks"),
                    "sort": f"{anchor}:{seq:08d}",
                    "posted": self.now().timestamp(),
                }
            )
            self._version += 1

    def _anchor(self, channel: str) -> str:
        """Sort key for an ephemeral: just after the channel's newest message."""
        messages = self.fake.messages(channel)
        with self._lock:
            seq = next(self._seq)
        return f"{messages[-1]['ts'] if messages else '0'}:{seq:08d}"

    def _origin(self, origin: Origin) -> str:
        key = secrets.token_hex(8)
        with self._lock:
            self._origins[key] = origin
        return key

    def _trigger(self, user: str) -> str:
        trigger = f"{next(self._seq)}.{int(time.time())}.{secrets.token_hex(8)}"
        with self._lock:
            self._triggers[trigger] = user
        return trigger

    def _view(self, view_id: str) -> Json:
        found = self.fake.views().get(view_id)
        if found is None:
            raise LookupError(f"no view {view_id}")
        return found

    def _message(self, channel: str, ts: str) -> Json:
        found = [m for m in self.fake.messages(channel) if m["ts"] == ts]
        return found[0] if found else {"type": "message", "ts": ts, "text": ""}

    def _send(self, body: str, content_type: str) -> tuple[int, Json]:
        """POST to the bot's /slack/events, signed as Slack signs, and read its answer."""
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=timestamp, body=body)
            or "",
        }
        request = urllib.request.Request(
            self.bot_url, data=body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=BOT_TIMEOUT) as response:
                return response.status, _json_or_empty(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, _json_or_empty(exc.read())


_FORM = "application/x-www-form-urlencoded"


def _apply_response(
    items: list[Json], response: Json, origin: Origin, item_id: str, anchor: tuple[str, float]
) -> None:
    """Replace or delete the ephemeral a button sat on, or add a new ephemeral."""
    replacing = response["replace_original"] or response["delete_original"]
    if response["response_type"] == "in_channel" or (replacing and origin.message_ts != "0"):
        return  # the fake has put it in the channel, or edited the message itself
    target = next((i for i in items if i["id"] == origin.replaces), None)
    if replacing and target is not None:
        target.update(text=response["text"] or "", blocks=response["blocks"])
        target["deleted"] = response["delete_original"]
    elif not response["delete_original"]:
        items.append(
            {
                "id": item_id,
                "user": origin.user,
                "channel": origin.channel,
                "command": origin.command,
                "text": response["text"] or "",
                "blocks": response["blocks"],
                "sort": anchor[0],
                "posted": anchor[1],
            }
        )


def _json_or_empty(raw: bytes) -> Json:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _failure(status: int) -> str:
    return {401: "invalid signature", 404: "dispatch_failed"}.get(status, f"HTTP {status}")
