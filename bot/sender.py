"""The clock's way to Slack: post a ledger row, classify failures, and find a sent row again."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.prompt_message import METADATA_EVENT, prompt_message
from bot.render import render_message
from schedules.clock import Delivery
from storage.models import Notification

log = logging.getLogger(__name__)

# Errors no retry will fix: recorded as failed, surfaced in the digest and `boardbot outbox`.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "not_authed",
        "missing_scope",
        "no_permission",
        "cannot_dm_bot",
        "restricted_action",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
    }
)
HISTORY_SLACK = timedelta(minutes=2)
HISTORY_PAGES = 25


class SlackSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def send(self, row: Notification) -> Delivery:
        try:
            channel = self.channel_for(row.recipient)
            rendered = render_message(prompt_message(row))
            response = self.client.chat_postMessage(
                channel=channel,
                text=rendered["text"],
                blocks=rendered["blocks"],
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"key": row.key},
                },
                unfurl_links=False,
            )
            return Delivery(channel=str(response["channel"]), ts=str(response["ts"]))
        except SlackApiError as exc:
            return classify(exc)
        except OSError as exc:
            # A timeout or dropped connection may come after Slack accepted the message, so
            # the row stays in flight and is looked up in the channel before any resend.
            return Delivery(error=f"network: {type(exc).__name__}", uncertain=True)

    def channel_for(self, recipient: str) -> str:
        """A user id means a DM: open (or reuse) the conversation first."""
        if recipient[:1] in ("U", "W"):
            response = self.client.conversations_open(users=recipient)
            return str(response["channel"]["id"])
        return recipient

    def find_sent(self, row: Notification) -> tuple[str, str] | None:
        channel = row.slack_channel or self.channel_for(row.recipient)
        since = (row.claimed_at or row.created_at) - HISTORY_SLACK
        cursor = None
        for _ in range(HISTORY_PAGES):  # a busy channel: read every page since the claim
            response = self.client.conversations_history(
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            messages: list[dict[str, Any]] = response.get("messages") or []
            for message in messages:
                metadata = message.get("metadata") or {}
                if metadata.get("event_payload", {}).get("key") == row.key:
                    return channel, str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        raise RuntimeError(f"too much history to search in {channel}; not resending blindly")


def classify(exc: SlackApiError) -> Delivery:
    error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
    if error in PERMANENT_ERRORS:
        return Delivery(error=error, permanent=True)
    retry_after = None
    if exc.response.status_code == 429:
        header = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        retry_after = float(header) if header and str(header).isdigit() else 60.0
    return Delivery(error=error, retry_after=retry_after)
