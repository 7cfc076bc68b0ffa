"""Who hears a prompt: a duty's owners, its counterparts, a board's meeting audience.

An owner or counterpart that is a partner (Cabinet, the Leader) hears through its people, by
direct message, whatever roles were asked for; a joint meeting's attendees hear instead of its
owners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from schedules.cycle import DutySpec
from schedules.prompts.base import Recipient
from schedules.protocol.model import Guest
from storage.roles import Role


def owner_recipients(duty: DutySpec, *roles: str) -> list[Recipient]:
    """Owners' channels and role holders; a joint meeting's attendees instead of owners.

    An owner that is a partner hears once, through its people, whatever the roles asked for."""
    if duty.kind == "joint_meeting":
        return [Recipient(role, board) for board in duty.owners for role in duty.attendee_roles]
    found: list[Recipient] = []
    for key in duty.owners:
        if key in duty.partners:
            found.append(Recipient.partner(key))
        else:
            found += [Recipient(role, key) for role in roles]
    return found


def counterpart_recipients(duty: DutySpec, role: Role = Role.BUSINESS_MANAGER) -> list[Recipient]:
    """Who hears on the receiving side: each counterpart board's `role`, each partner's people."""
    return [
        Recipient.partner(key) if key in duty.partners else Recipient(role, key)
        for key in duty.counterparts
    ]


def meeting_audience(board: str, guests: Sequence[Guest] = ()) -> list[Recipient]:
    """Who gets a board's agenda packs and meeting notices: its business manager, then guests."""
    return list(dict.fromkeys([Recipient(Role.BUSINESS_MANAGER, board), *guest_recipients(guests)]))


def guest_recipients(guests: Sequence[Guest]) -> list[Recipient]:
    """A board's guests: the role holders of each guest board, each guest partner's people."""
    found: list[Recipient] = []
    for guest in guests:
        if guest.partner is not None:
            found.append(Recipient.partner(guest.partner))
        elif guest.board is not None:
            found += [Recipient(role, guest.board) for role in guest.roles]
    return list(dict.fromkeys(found))


def guests_of(protocol: Mapping[str, Any], board: str) -> list[Guest]:
    """The guests at `board`'s meetings, from a protocol as stored (its JSON)."""
    for spec in protocol.get("boards", []):
        if spec.get("key") == board:
            return [Guest.model_validate(g) for g in spec.get("guests", [])]
    return []


def hosts_of(
    protocol: Mapping[str, Any], roles: Iterable[tuple[str, str]], partners: Iterable[str] = ()
) -> dict[str, list[Guest]]:
    """The boards at whose meetings someone is a guest, each with the guest entries that make
    them one: through a role (board key, role) they hold, or a partner they hear for."""
    held, mine = set(roles), set(partners)
    found: dict[str, list[Guest]] = {}
    for spec in protocol.get("boards", []):
        for guest in guests_of(protocol, str(spec.get("key"))):
            by_role = guest.board is not None and any((guest.board, r) in held for r in guest.roles)
            if by_role or guest.partner in mine:
                found.setdefault(str(spec["key"]), []).append(guest)
    return found
