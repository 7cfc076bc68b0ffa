"""What a prompt is, who receives it, and the wording helpers every prompt kind shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schedules.cycle import Occurrence
from schedules.prompts.actions import Action
from schedules.protocol.model import PromptSettings

# Recipients that are not a role on a board: a board's channel, a partner's people, the digest.
CHANNEL, PARTNER, DIGEST = "channel", "partner", "digest"


@dataclass(frozen=True)
class Recipient:
    """A board's channel, the holders of a role on a board, a partner's people, or the digest.

    `Recipient("chair", "hwb")` is each chair of the HWB; `Recipient("partner", "cabinet")` is
    each person bound to the partner `cabinet`, by direct message (a partner has no channel)."""

    role: str  # a Role (each holder of it on the board), or CHANNEL, PARTNER or DIGEST
    board: str | None = None  # the board's key, or the partner's key when role is "partner"

    @classmethod
    def partner(cls, key: str) -> Recipient:
        return cls(PARTNER, key)

    @property
    def is_partner(self) -> bool:
        return self.role == PARTNER

    @property
    def label(self) -> str:
        return f"{self.role}:{self.board}" if self.board else self.role


@dataclass(frozen=True)
class Prompt:
    """One message to one recipient on one day; the outbox records it once."""

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
    actions: tuple[Action, ...] = ()  # buttons, on the record the prompt names
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
    return occurrence_subject(occurrence.duty.key, occurrence.period_key)


def occurrence_subject(duty_key: str, period_key: str) -> str:
    """What the outbox files every prompt about one occurrence under."""
    return f"occurrence:{duty_key}:{period_key}"


def boards_text(keys: tuple[str, ...] | list[str]) -> str:
    names = [key.upper() for key in keys]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def note_text(occurrence: Occurrence) -> str:
    """' Note: …' for a triggered occurrence that came with one, else nothing."""
    note = occurrence.note.strip().rstrip(".")
    return f" Note: {note}." if note else ""


def to_each(
    kind: str,
    send_on: date,
    occurrence: Occurrence,
    recipients: Iterable[Recipient],
    text: str,
    actions: tuple[Action, ...] = (),
    extra: dict[str, Any] | None = None,
) -> list[Prompt]:
    """One prompt about an occurrence, in the same words, to each of the recipients."""
    fields = {**base_fields(occurrence), "text": text, "actions": actions}
    # Each prompt has its own extra: the planner adds the occurrence's id to each.
    return [
        Prompt(kind, send_on, recipient=r, extra={**(extra or {})}, **fields) for r in recipients
    ]


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
