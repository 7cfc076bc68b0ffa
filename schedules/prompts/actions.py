"""What a person may do from a prompt: each action's id (the edge routes a press by it), its
button's label and style, what it acts on, and who may press it (these roles on the boards it
concerns). The command that answers a press checks the same roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storage.roles import OFFICERS, WRITERS, Role

SNOOZE_WORKING_DAYS = 3


@dataclass(frozen=True)
class Action:
    id: str
    label: str
    on: Literal["occurrence", "escalation"]  # the record whose id the button carries
    roles: tuple[Role, ...]  # on the duty's owner boards, or either board of an escalation
    style: Literal["primary", "danger"] | None = None


DONE = Action("duty_done", "Done", "occurrence", WRITERS, "primary")
SNOOZE = Action("duty_snooze", f"Snooze {SNOOZE_WORKING_DAYS} working days", "occurrence", WRITERS)
ADVANCE = Action("escalation_advance", "Advance", "escalation", OFFICERS, "primary")
ACTIONS = {action.id: action for action in (DONE, SNOOZE, ADVANCE)}
# How outbox rows recorded before the payload was typed named them.
EARLIER_NAMES = {"done": DONE, "snooze": SNOOZE, "advance": ADVANCE}
