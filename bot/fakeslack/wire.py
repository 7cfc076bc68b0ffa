"""What the fake Slack exchanges with its clients: recorded calls, replies and API errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
RESPONSE_URL_METHOD = "response_url"


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
class Reply:
    """One HTTP answer: status, JSON body and any extra headers."""

    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """A Slack error answer raised inside a method; the request pipeline turns it into a Reply."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.status, self.extra = error, status, extra


def error_metadata(errors: list[str]) -> Json:
    """The `response_metadata` Slack attaches to an `invalid_blocks` error."""
    return {"messages": [f"[ERROR] {e}" for e in errors]}


def truthy(value: Any) -> bool:
    # Form-encoded clients send booleans as strings.
    return value is True or str(value).lower() in ("1", "true")
