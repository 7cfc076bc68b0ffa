"""What the clock asks of Slack, and what Slack can answer: the sender interface and its budget."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from storage.models import OutboxPrompt

SLACK_BUDGET_SECONDS = 8.0
# A token refused before it ever said which workspace it belongs to. Only the one token from
# the environment can be in that state (an installed workspace's token comes with its team
# id), so the first workspace whose token proves to work lifts such a pause.
UNIDENTIFIED = "unidentified"


@dataclass(frozen=True)
class Delivery:
    """What Slack said: a channel and ts, or an error and what it means for the prompt."""

    channel: str | None = None
    ts: str | None = None
    error: str | None = None
    permanent: bool = False  # no retry will help: failed, for a person to look at
    retry_after: float | None = None  # Slack refused it for now (a 429): try again after this
    # The request may have reached Slack (a timeout, a dropped line, a 5xx, fatal_error,
    # internal_error): only the channel's history can say whether it was posted.
    uncertain: bool = False
    refused: bool = False  # Slack refused the token itself: the whole workspace waits


class LookupFailed(Exception):
    """The channel's history could not be read; `refused` when Slack refused the token."""

    def __init__(self, reason: str, *, refused: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.refused = reason, refused


class Sender(Protocol):
    """One workspace's way to Slack (one token per workspace)."""

    @property
    def workspace(self) -> str:
        """The Slack team id this sender posts to."""
        ...

    def send(self, row: OutboxPrompt) -> Delivery: ...

    def find_sent(self, row: OutboxPrompt) -> tuple[str, str] | None:
        """(channel, ts) of a message already carrying this row's outbox key, if any.

        Raises LookupFailed when the history cannot be read."""
        ...

    def check(self) -> str | None:
        """None when Slack accepts the token again; otherwise why not."""
        ...


@runtime_checkable
class Senders(Protocol):
    """Each workspace its own sender (workspaces that installed boardbot by OAuth)."""

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> Sender:
        """The sender of the workspace `team_id` (of the Enterprise Grid org `enterprise_id`)."""
        ...


@dataclass
class SlackBudget:
    """How long one tick may wait on Slack in all; what is left goes to the next tick."""

    seconds: float = SLACK_BUDGET_SECONDS
    clock: Callable[[], float] = time.monotonic
    used: float = field(default=0.0, init=False)

    @property
    def spent(self) -> bool:
        return self.used >= self.seconds

    @contextmanager
    def spending(self) -> Iterator[None]:
        started = self.clock()
        try:
            yield
        finally:
            self.used += self.clock() - started


@dataclass
class TickReport:
    recorded: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    purged: int = 0
    left: int = 0  # due, but left for the next tick (budget spent, or Slack asked us to wait)
    paused: str | None = None  # why Slack refuses the workspace's token, while it does
    standing_by: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False when a person should look: planning failed, or the token is refused."""
        return not self.errors and self.paused is None

    def summary(self) -> str:
        if self.standing_by:
            return "another clock holds the lock; standing by"
        text = (
            f"recorded {self.recorded}, sent {self.sent}, retrying {self.retried}, "
            f"failed {self.failed}, recovered {self.recovered}"
        )
        if self.left:
            text += f", left for the next tick {self.left}"
        if self.errors:
            text += f"; planning failed for {len(self.errors)} partnership(s)"
        return text
