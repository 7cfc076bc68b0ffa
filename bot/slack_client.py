"""The one Web API client factory: Slack's base URL or a stand-in's, with slack_sdk's retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.settings import Settings

DEFAULT_BASE_URL = "https://slack.com/api/"


def make_client(
    settings: Settings, *, timeout: int = 10, max_retries: int = 2, resend_on_drop: bool = True
) -> WebClient:
    """Retries within a call: 429 (honouring Retry-After) and 5xx; the ledger retries across
    ticks, so a call never waits long. The clock passes resend_on_drop=False: a connection
    dropped mid-request may already have posted, and a prompt must never be sent twice."""
    handlers: list[RetryHandler] = [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
    ]
    if resend_on_drop:
        handlers.append(ConnectionErrorRetryHandler(max_retry_count=max_retries))
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or DEFAULT_BASE_URL,
        timeout=timeout,
        retry_handlers=handlers,
    )
