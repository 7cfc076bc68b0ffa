"""The Web API client factories: Slack's base URL or a stand-in's, and when a call may repeat.

A call that posts may have been carried out even when its answer is a 5xx or a dropped line,
so no client repeats one on those: the web process tells the person, and the clock's outbox
looks the message up before any resend. A 429 means Slack did not act, so repeating is safe.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.settings import Settings

DEFAULT_BASE_URL = "https://slack.com/api/"
# Methods that create something each time they are called.
POSTING_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.meMessage",
        "views.open",
        "views.push",
        "files.upload",
        "files.completeUploadExternal",
    }
)
RATE_LIMIT_WAIT = 10  # seconds: the web process waits out a Retry-After up to this, no longer
CLOCK_CALL_TIMEOUT = 3  # seconds: the clock's tick has a budget of a few seconds in all


def make_client(
    settings: Settings,
    *,
    timeout: int = 10,
    max_retries: int = 2,
    token: str | None = None,
    team_id: str | None = None,
) -> WebClient:
    """The web process's client: a short 429 is waited out in the call (the ack has gone
    already); a 5xx or a dropped connection is retried only for calls that do not post.
    `token` (and `team_id`) for a workspace installed by OAuth, else SLACK_BOT_TOKEN's."""
    handlers: list[RetryHandler] = [
        ShortRateLimitRetryHandler(max_retry_count=max_retries),
        UnlessPosting(ServerErrorRetryHandler(max_retry_count=max_retries)),
        UnlessPosting(ConnectionErrorRetryHandler(max_retry_count=max_retries)),
    ]
    return client_for(
        settings, timeout=timeout, retry_handlers=handlers, token=token, team_id=team_id
    )


def clock_client(settings: Settings, *, timeout: int = CLOCK_CALL_TIMEOUT) -> WebClient:
    """The clock's client: one try per call, a short timeout, and no sleeping; the outbox
    carries every retry to a later tick and honours Retry-After there."""
    return client_for(settings, timeout=timeout, retry_handlers=[])


def client_for(
    settings: Settings,
    *,
    timeout: int,
    retry_handlers: list[RetryHandler],
    token: str | None = None,
    team_id: str | None = None,
) -> WebClient:
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_BASE_URL,
        timeout=timeout,
        retry_handlers=retry_handlers,
        team_id=team_id,
    )


def method_of(request: HttpRequest) -> str:
    return urlsplit(request.url).path.rsplit("/", 1)[-1]


class UnlessPosting(RetryHandler):
    """Another handler's retries, for every method except those that post."""

    def __init__(self, inner: RetryHandler) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner

    def _can_retry(self, *, state: RetryState, request: HttpRequest, **kwargs: Any) -> bool:
        if method_of(request) in POSTING_METHODS:
            return False
        return self.inner._can_retry(state=state, request=request, **kwargs)


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 only when Slack's Retry-After is short; a longer one fails the call."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        header = {k.lower(): v for k, v in response.headers.items()}.get("retry-after") or ["1"]
        try:
            return int(header[0]) <= RATE_LIMIT_WAIT
        except ValueError:
            return False
