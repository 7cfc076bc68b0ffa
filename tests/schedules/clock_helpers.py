"""A sender that records instead of talking to Slack, and a rutland workspace for the clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from schedules.clock import Delivery
from storage.models import Notification


@dataclass
class RecordingSender:
    """Answers like Slack would; `script` can make the next sends fail."""

    sent: list[Notification] = field(default_factory=list)
    script: list[Delivery] = field(default_factory=list)
    history: dict[str, tuple[str, str]] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def send(self, row: Notification) -> Delivery:
        if self.script:
            return self.script.pop(0)
        ts = f"1700000000.{next(self._ts):06d}"
        self.sent.append(row)
        self.history[row.key] = (row.recipient, ts)
        return Delivery(channel=row.recipient, ts=ts)

    def find_sent(self, row: Notification) -> tuple[str, str] | None:
        return self.history.get(row.key)

    def to(self, recipient: str) -> list[Notification]:
        return [row for row in self.sent if row.recipient == recipient]

    def kinds(self) -> set[tuple[str, str]]:
        return {(row.kind, row.recipient) for row in self.sent}
