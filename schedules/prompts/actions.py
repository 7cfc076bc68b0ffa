"""What a person may do from a prompt: each action's id (the edge routes a press by it), its
button's label and style, what it acts on, and who may press it (these roles on the boards it
concerns). The command that answers a press checks the same roles, and a prompt shows a person
only the buttons their role lets them press (`may_press`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storage.roles import OFFICERS, Role

SNOOZE_WORKING_DAYS = 3


@dataclass(frozen=True)
class Action:
    id: str
    label: str
    on: Literal["occurrence", "escalation"]  # the record whose id the button carries
    roles: tuple[Role, ...]  # on the duty's owner boards, or either board of an escalation
    style: Literal["primary", "danger"] | None = None


# A duty's outcome is recorded by an owner board's chair (who answers for the board), business
# manager or secretariat.
DUTY_ROLES = OFFICERS
DONE = Action("duty_done", "Done", "occurrence", DUTY_ROLES, "primary")
SNOOZE = Action(
    "duty_snooze", f"Snooze {SNOOZE_WORKING_DAYS} working days", "occurrence", DUTY_ROLES
)
WAIVE = Action("duty_waive", "Waive", "occurrence", DUTY_ROLES)
ADVANCE = Action("escalation_advance", "Advance", "escalation", OFFICERS, "primary")
ACTIONS = {action.id: action for action in (DONE, SNOOZE, WAIVE, ADVANCE)}
# How outbox rows recorded before the payload was typed named them.
EARLIER_NAMES = {"done": DONE, "snooze": SNOOZE, "advance": ADVANCE}


def may_press(action_id: str, recipient_label: str, stored_roles: tuple[Role, ...] = ()) -> bool:
    """Whether a prompt sent to `recipient_label` ("channel:hwb", "chair:hwb", "partner:x")
    shows this button: in a board's channel, for whoever is there; to a partner's people, who
    act for it; otherwise only to a role that may press it (the action's roles now, else those
    the prompt was recorded with), held on the board the prompt was planned for."""
    role_text, _, _ = recipient_label.partition(":")
    if role_text in ("channel", "partner"):  # a partner's people act for it, without roles
        return True
    role = Role.parse(role_text)
    known = ACTIONS.get(action_id)
    allowed = known.roles if known is not None else stored_roles
    return role is not None and role in allowed
