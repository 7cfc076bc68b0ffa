"""A sender that records instead of talking to Slack, and the rutland partnership for the clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from schedules.clock import Delivery, LookupFailed
from storage.models import OutboxPrompt


@dataclass
class RecordingSender:
    """Answers like Slack would; `script` can make the next sends fail, `lookups` the next
    history look-ups, and `refusal` makes Slack refuse the token until it is cleared."""

    sent: list[OutboxPrompt] = field(default_factory=list)
    script: list[Delivery] = field(default_factory=list)
    lookups: list[LookupFailed] = field(default_factory=list)
    history: dict[str, tuple[str, str]] = field(default_factory=dict)
    refusal: str | None = None
    workspace: str = "T0TEST"
    checks: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def send(self, row: OutboxPrompt) -> Delivery:
        if self.refusal:
            return Delivery(error=self.refusal, refused=True)
        if self.script:
            return self.script.pop(0)
        ts = f"1700000000.{next(self._ts):06d}"
        self.sent.append(row)
        self.history[row.key] = (row.recipient, ts)
        return Delivery(channel=row.recipient, ts=ts)

    def find_sent(self, row: OutboxPrompt) -> tuple[str, str] | None:
        if self.refusal:
            raise LookupFailed(self.refusal, refused=True)
        if self.lookups:
            raise self.lookups.pop(0)
        return self.history.get(row.key)

    def check(self) -> str | None:
        self.checks += 1
        return self.refusal

    def to(self, recipient: str) -> list[OutboxPrompt]:
        return [row for row in self.sent if row.recipient == recipient]

    def kinds(self) -> set[tuple[str, str]]:
        return {(row.kind, row.recipient) for row in self.sent}
