"""The clock's way to Slack: post a outbox row, classify failures, and find a sent row again."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.prompt_message import METADATA_EVENT, prompt_message
from bot.render import render_message
from schedules.sending import UNIDENTIFIED, Delivery, LookupFailed
from storage.models import OutboxPrompt

log = logging.getLogger(__name__)

# Errors no retry will fix: recorded as failed, surfaced in the digest and `boardbot outbox`.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "missing_scope",
        "no_permission",
        "cannot_dm_bot",
        "restricted_action",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
    }
)
# Slack refuses the token itself, for every call: the workspace's prompts wait, pending.
REFUSED_TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "org_login_required",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "team_access_not_granted",
        "two_factor_setup_required",
        "team_added_to_org",
    }
)
# Slack documents these as possibly partly done: the message may have been posted.
MAYBE_DONE_ERRORS = frozenset({"fatal_error", "internal_error", "service_unavailable"})
DEFAULT_RETRY_AFTER = 60.0
HISTORY_SLACK = timedelta(minutes=2)
HISTORY_PAGES = 25


class SlackSender:
    """One workspace's sender: its token's client, and the team id Slack says it belongs to."""

    def __init__(self, client: WebClient, team_id: str | None = None) -> None:
        self.client = client
        self.team_id = team_id

    @property
    def workspace(self) -> str:
        """The token's team id, asked of Slack once; unidentified while Slack refuses it."""
        if self.team_id is None:
            self.check()
        return self.team_id or UNIDENTIFIED

    def check(self) -> str | None:
        try:
            response = self.client.auth_test()
        except SlackApiError as exc:
            return error_of(exc)
        except OSError as exc:
            return f"network: {type(exc).__name__}"
        self.team_id = str(response["team_id"])
        return None

    def send(self, row: OutboxPrompt) -> Delivery:
        try:
            channel = self.channel_for(row.recipient)
        except SlackApiError as exc:
            return classify(exc, posted=False)
        except OSError as exc:
            return Delivery(error=f"network: {type(exc).__name__}")
        rendered = render_message(prompt_message(row))
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                text=rendered["text"],
                blocks=rendered["blocks"],
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
                unfurl_links=False,
            )
        except SlackApiError as exc:
            return classify(exc, posted=True)
        except OSError as exc:
            # A timeout or dropped connection may come after Slack accepted the message, so
            # the row stays in flight and is looked up in the channel before any resend.
            return Delivery(error=f"network: {type(exc).__name__}", uncertain=True)
        return Delivery(channel=str(response["channel"]), ts=str(response["ts"]))

    def channel_for(self, recipient: str) -> str:
        """A user id means a DM: open (or reuse) the conversation first."""
        if recipient[:1] in ("U", "W"):
            response = self.client.conversations_open(users=recipient)
            return str(response["channel"]["id"])
        return recipient

    def find_sent(self, row: OutboxPrompt) -> tuple[str, str] | None:
        try:
            return self.search_history(row)
        except SlackApiError as exc:
            error = error_of(exc)
            raise LookupFailed(error, refused=error in REFUSED_TOKEN_ERRORS) from exc
        except OSError as exc:
            raise LookupFailed(f"network: {type(exc).__name__}") from exc

    def search_history(self, row: OutboxPrompt) -> tuple[str, str] | None:
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
        raise LookupFailed(f"too much history to search in {channel}; not resending blindly")


def error_of(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or f"http_{exc.response.status_code}")


def classify(exc: SlackApiError, *, posted: bool) -> Delivery:
    """What Slack's answer means for the prompt; `posted` when the call was the post itself."""
    error, status = error_of(exc), exc.response.status_code
    if error in REFUSED_TOKEN_ERRORS:
        return Delivery(error=error, refused=True)
    if error in PERMANENT_ERRORS:
        return Delivery(error=error, permanent=True)
    if status == 429 or error == "ratelimited":
        return Delivery(error=error, retry_after=retry_after(exc))
    if posted and (status >= 500 or error in MAYBE_DONE_ERRORS):
        return Delivery(error=error if status < 500 else f"{error} (HTTP {status})", uncertain=True)
    return Delivery(error=error)


def retry_after(exc: SlackApiError) -> float:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER
