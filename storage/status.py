"""The values every status column may hold: one StrEnum per column, stored as its text.

A member compares equal to its text (`OccurrenceStatus.DONE == "done"`), so stored rows, audit
entries and JSON read the same as before; code outside `storage/` names members, never strings.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class OccurrenceStatus(StrEnum):
    """A duty occurrence. Overdue is not stored: it is pending with its due day passed."""

    PENDING = "pending"
    DONE = "done"
    WAIVED = "waived"

    @property
    def recorded(self) -> bool:
        """Done or waived: an outcome someone recorded."""
        return self is not OccurrenceStatus.PENDING


class MeetingStatus(StrEnum):
    """A meeting cancelled (by hand or by its calendar feed) stays, so its calendar says so."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AgendaStatus(StrEnum):
    OPEN, ACCEPTED, DECLINED = "open", "accepted", "declined"  # answered once: accepted or declined


class EscalationStatus(StrEnum):
    OPEN = "open"  # at some stage of its ladder
    RESOLVED = "resolved"  # with an outcome


class StepAction(StrEnum):
    """A line of an escalation's stage history."""

    OPENED = "opened"
    ADVANCED = "advanced"
    RESOLVED = "resolved"


STARTS_A_STAGE = (StepAction.OPENED, StepAction.ADVANCED)  # the steps a stage begins with


class PromptStatus(StrEnum):
    """A prompt in the outbox (schedules/outbox.py says how it moves between them)."""

    PENDING = "pending"  # to send
    SENDING = "sending"  # claimed by a sender; in flight
    SENT = "sent"
    FAILED = "failed"  # for a person to look at (`boardbot outbox`, the digest)
    FOLDED = "folded"  # missed so long ago that the digest carries it instead

    @property
    def finished(self) -> bool:
        return self in (PromptStatus.SENT, PromptStatus.FAILED, PromptStatus.FOLDED)


class Standing(StrEnum):
    """Where a duty occurrence stands on a day: computed from its status and dates, never stored.

    `done_late`: recorded done on a London day after its due day (the evidence pack tells it
    apart; /duties and the Home tab have no use for it).
    `before_boardbot`: still pending, but due before the partnership started using boardbot
    (`Partnership.started_on`): not overdue; it may still be recorded done or waived."""

    DONE = "done"
    DONE_LATE = "done_late"
    WAIVED = "waived"
    OVERDUE = "overdue"
    OPEN = "open"
    UPCOMING = "upcoming"
    BEFORE_BOARDBOT = "before_boardbot"


def standing(
    status: OccurrenceStatus,
    opens: date,
    due: date,
    today: date,
    done_on: date | None = None,
    *,
    started: date | None = None,
) -> Standing:
    """An occurrence's standing on `today`; `done_on`, the London day its outcome was recorded;
    `started`, the day its partnership started using boardbot (what was due before is not
    overdue in boardbot: it was never boardbot's to prompt)."""
    if status == OccurrenceStatus.WAIVED:
        return Standing.WAIVED
    if status == OccurrenceStatus.DONE:
        return Standing.DONE_LATE if done_on is not None and done_on > due else Standing.DONE
    if started is not None and due < started:
        return Standing.BEFORE_BOARDBOT
    if due < today:
        return Standing.OVERDUE
    return Standing.UPCOMING if opens > today else Standing.OPEN
