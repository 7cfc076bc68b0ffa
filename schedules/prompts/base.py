"""What a prompt is, who receives it, and the wording helpers every prompt kind shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schedules.cycle import DutySpec, Occurrence
from schedules.protocol.model import PromptSettings


@dataclass(frozen=True)
class Recipient:
    """A board's channel, or the holders of a role on a board, or a partnership's digest."""

    role: str  # channel | chair | business_manager | secretariat | member | digest
    board: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role}:{self.board}" if self.board else self.role


@dataclass(frozen=True)
class Prompt:
    """One message to one recipient on one day; the ledger records it once."""

    kind: str
    send_on: date
    subject: str
    recipient: Recipient
    title: str
    text: str
    duty: str | None = None
    owners: tuple[str, ...] = ()
    counterparts: tuple[str, ...] = ()
    window: tuple[date, date] | None = None
    due: date | None = None
    clause: str = ""
    actions: tuple[str, ...] = ()
    late: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.send_on.isoformat(),
            "kind": self.kind,
            "duty": self.duty,
            "title": self.title,
            "owners": list(self.owners),
            "counterparts": list(self.counterparts),
            "window": (
                {"opens": self.window[0].isoformat(), "closes": self.window[1].isoformat()}
                if self.window
                else None
            ),
            "due": self.due.isoformat() if self.due else None,
            "recipient": self.recipient.label,
            "text": self.text,
            "clause": self.clause,
            "subject": self.subject,
            "late": self.late,
        }


@dataclass(frozen=True)
class PlanContext:
    """What planning needs besides the occurrence: the settings and how far to look."""

    settings: PromptSettings
    horizon: date
    overdue_repeats: int | None = None  # None: weekly until the horizon


def subject_of(occurrence: Occurrence) -> str:
    return f"occurrence:{occurrence.duty.key}:{occurrence.period_key}"


def boards_text(keys: tuple[str, ...] | list[str]) -> str:
    names = [key.upper() for key in keys]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def owner_recipients(duty: DutySpec, *roles: str) -> list[Recipient]:
    """Owners' channels and role holders; a joint meeting's attendees instead of owners."""
    if duty.kind == "joint_meeting":
        return [Recipient(role, board) for board in duty.owners for role in duty.attendee_roles]
    return [Recipient(role, board) for board in duty.owners for role in roles]


def base_fields(occurrence: Occurrence) -> dict[str, Any]:
    duty = occurrence.duty
    return {
        "subject": subject_of(occurrence),
        "title": duty.title,
        "duty": duty.key,
        "owners": duty.owners,
        "counterparts": duty.counterparts,
        "window": (occurrence.opens, occurrence.closes),
        "due": occurrence.due,
        "clause": duty.clause,
    }
