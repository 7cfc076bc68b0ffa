"""Injected faults: Slack errors, HTTP statuses, rate limits and delays queued per API method."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from bot.fakeslack.wire import Reply


@dataclass
class Fault:
    """One queued fault; `remaining` counts the calls it still applies to.

    An `applied` fault lets the call take effect first and then answers with the fault, as Slack
    may do when it records a message and then fails (a 503, `fatal_error`, `internal_error`)."""

    kind: str
    value: Any
    remaining: int
    applied: bool = False

    @property
    def label(self) -> str:
        label = "ratelimited" if self.kind == "ratelimit" else f"{self.kind}:{self.value}"
        return f"{label}+applied" if self.applied else label


class FaultPlan:
    """Faults and delays waiting for calls; the fake holds its lock around every use."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        # Delays sit in their own queue because they combine with, rather than replace, an answer.
        self._delays: dict[str, list[Fault]] = {}
        # Standing faults answer every call to a method until they are lifted.
        self._standing: dict[str, Fault] = {}
        self.revoked: dict[str, str] = {}  # token -> the error every call with it gets

    def add(self, method: str, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        queue = self._delays if fault.kind == "delay" else self._faults
        queue.setdefault(method, []).append(fault)

    def stand(self, method: str, fault: Fault) -> None:
        self._standing[method] = fault

    def lift(self, method: str) -> None:
        self._standing.pop(method, None)

    def pending(self, method: str) -> int:
        queued = self._faults.get(method, []) + self._delays.get(method, [])
        return sum(fault.remaining for fault in queued)

    def take_fault(self, method: str) -> Fault | None:
        return take(self._faults, method) or self._standing.get(method)

    def take_delay(self, method: str) -> Fault | None:
        return take(self._delays, method)


def take(queue: dict[str, list[Fault]], method: str) -> Fault | None:
    """Use up one call's worth of the oldest fault queued for `method`."""
    pending = queue.get(method)
    if not pending:
        return None
    fault = pending[0]
    fault.remaining -= 1
    if fault.remaining <= 0:
        pending.pop(0)
    return fault


def fault_reply(fault: Fault) -> Reply:
    if fault.kind == "ratelimit":
        headers = {"Retry-After": str(fault.value)}
        return Reply(429, {"ok": False, "error": "ratelimited"}, headers)
    if fault.kind == "status":
        phrase = HTTPStatus(fault.value).phrase.lower().replace(" ", "_")
        return Reply(int(fault.value), {"ok": False, "error": phrase})
    return Reply(200, {"ok": False, "error": str(fault.value)})
