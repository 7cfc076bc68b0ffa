"""The slash commands, buttons and modal callbacks boardbot answers: one line per family."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from commands import agenda, audit, boards, duties, escalate, evidence, meetings, minutes
from commands.context import Invocation
from commands.reply import Reply

CommandHandler = Callable[[Invocation, str], Reply]
ActionHandler = Callable[[Invocation, str, str], Reply]  # (inv, action_id, value)
ViewHandler = Callable[[Invocation, dict[str, str], str], Reply]  # (inv, values, metadata)

FAMILIES: dict[str, ModuleType] = {
    "/duties": duties,
    "/minutes": minutes,
    "/agenda": agenda,
    "/boards": boards,
    "/escalate": escalate,
    "/meetings": meetings,
    "/audit": audit,
    "/evidence": evidence,
}


def command_handler(name: str) -> CommandHandler:
    handler: CommandHandler = FAMILIES[name].handle
    return handler


def usage(name: str) -> str:
    """A family's help text is its module docstring."""
    return (FAMILIES[name].__doc__ or "").strip()


def handlers(kind: str) -> dict[str, Any]:
    """Every family's handlers of one kind, by the id Slack sends: ACTIONS (buttons, by action
    id), VIEWS (forms, by callback id), POSTED (hooks run after the edge posts a message, by
    its metadata's event type). A new kind of Slack surface adds a kind here without a change:
    its listener in bot/listeners/ asks for it, and a family declares it."""
    found: dict[str, Any] = {}
    for module in FAMILIES.values():
        found.update(getattr(module, kind, {}))
    return found


def actions() -> dict[str, ActionHandler]:
    return handlers("ACTIONS")


def views() -> dict[str, ViewHandler]:
    return handlers("VIEWS")


def posted_hooks() -> dict[str, Callable[..., None]]:
    """POSTED hooks: after posting such a message the edge calls hook(session, the metadata's
    event_payload id, channel, ts) in a new transaction."""
    return handlers("POSTED")
