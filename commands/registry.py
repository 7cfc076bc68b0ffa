"""The slash commands, buttons and modal callbacks boardbot answers: one line per family."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from commands import agenda, boards, duties, escalate, meetings, minutes
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
}


def command_handler(name: str) -> CommandHandler:
    handler: CommandHandler = FAMILIES[name].handle
    return handler


def usage(name: str) -> str:
    """A family's help text is its module docstring."""
    return (FAMILIES[name].__doc__ or "").strip()


def actions() -> dict[str, ActionHandler]:
    found: dict[str, ActionHandler] = {}
    for module in FAMILIES.values():
        found.update(getattr(module, "ACTIONS", {}))
    return found


def views() -> dict[str, ViewHandler]:
    found: dict[str, ViewHandler] = {}
    for module in FAMILIES.values():
        found.update(getattr(module, "VIEWS", {}))
    return found


def posted_hooks() -> dict[str, Callable[..., None]]:
    """POSTED hooks by metadata event_type: after posting such a message the edge calls
    hook(session, event_payload id, channel, ts) in a new transaction."""
    found: dict[str, Callable[..., None]] = {}
    for module in FAMILIES.values():
        found.update(getattr(module, "POSTED", {}))
    return found
