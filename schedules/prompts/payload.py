"""A prompt as the outbox keeps it: one typed payload, built here from a planned Prompt, stored
as JSON in the outbox row and read back typed by the edge, which draws its buttons from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schedules.digest import DigestPayload
from schedules.prompts.actions import EARLIER_NAMES, Action
from schedules.prompts.base import Prompt
from storage.roles import Role

Day = date  # `date` is also a payload field's name (the day it is sent)


class Frozen(BaseModel):
    # Read back leniently: a row written by an earlier version may hold fields no longer used.
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class PromptAction(Frozen):
    """A button on the prompt: the action's id, its label and style, the id of the record it
    acts on, and who may press it."""

    id: str
    label: str
    value: str
    roles: tuple[Role, ...] = ()
    style: Literal["primary", "danger"] | None = None

    @classmethod
    def of(cls, action: Action, record_id: int) -> PromptAction:
        return cls(
            id=action.id,
            label=action.label,
            value=str(record_id),
            roles=action.roles,
            style=action.style,
        )


class Window(Frozen):
    opens: Day
    closes: Day


class PromptPayload(Frozen):
    """Everything a prompt's message shows; the ids its buttons and the digest refer to."""

    kind: str = ""
    title: str = ""
    text: str = ""
    send_on: Day | None = Field(default=None, alias="date")
    subject: str = ""
    recipient: str = ""
    duty: str | None = None
    owners: list[str] = Field(default_factory=list)
    counterparts: list[str] = Field(default_factory=list)
    window: Window | None = None
    due: Day | None = None
    clause: str = ""
    late: bool = False
    actions: list[PromptAction] = Field(default_factory=list)
    problem: str | None = None  # why it cannot be sent (no channel, no role holder)
    occurrence_id: int | None = None
    escalation_id: int | None = None
    agenda_request_id: int | None = None
    meeting_id: int | None = None
    repeat: int | None = None  # an overdue notice's repeat, from 0
    working_days_left: int | None = None
    after_snooze: bool = False
    items: list[str] = Field(default_factory=list)  # an agenda pack's
    digest: DigestPayload | None = None

    @model_validator(mode="before")
    @classmethod
    def _earlier_actions(cls, data: Any) -> Any:
        """Rows recorded before the payload was typed name actions ("done"); make them buttons
        on the record the row names."""
        named = data.get("actions", ()) if isinstance(data, dict) else ()
        if not any(isinstance(name, str) for name in named):
            return data
        earlier = [EARLIER_NAMES[name] for name in named if name in EARLIER_NAMES]
        return {**data, "actions": buttons(earlier, data)}

    def stored(self) -> dict[str, Any]:
        """As the outbox row keeps it (JSON)."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def payload_of(prompt: Prompt, *, late: bool, problem: str | None = None) -> PromptPayload:
    """The one place a prompt's payload is made: its words and facts, the ids it carries, and a
    button for each of its actions on the record that action concerns."""
    unknown = set(prompt.extra) - set(PromptPayload.model_fields)
    if unknown:
        raise ValueError(f"{prompt.kind} carries fields its payload does not have: {unknown}")
    fields = {**prompt.as_json(), **prompt.extra, "late": late, "problem": problem}
    return PromptPayload.model_validate(
        {**fields, "actions": buttons(prompt.actions, prompt.extra)}
    )


def buttons(actions: Iterable[Action], fields: Mapping[str, Any]) -> list[PromptAction]:
    """A button for each action whose record the prompt names (`occurrence_id`, say)."""
    found = []
    for action in actions:
        record = fields.get(f"{action.on}_id")
        if record:
            found.append(PromptAction.of(action, int(record)))
    return found
