"""What no field can check alone: keys that name no board or partner, ids used twice, slips."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from schedules.protocol.model import Duty, Protocol, Schedule
from schedules.protocol.yamlsource import Loc, Problem

Report = Callable[[Loc, str], Problem]


def known_keys(protocol: Protocol) -> str:
    """The keys a duty's owners and counterparts may use, for 'use one of …' messages."""
    return ", ".join([*protocol.board_keys, *protocol.partner_keys])


def unknown_party(protocol: Protocol, key: str, *, boards_only: bool = False) -> str | None:
    """Why `key` cannot stand here, or None when it names a board (or, if allowed, a partner)."""
    if key in protocol.board_keys:
        return None
    if key in protocol.partner_keys:
        if not boards_only:
            return None
        return f"{key} is a partner, not a board; only boards belong here"
    if protocol.partners and not boards_only:
        return f"unknown board or partner key '{key}'; use one of {known_keys(protocol)}"
    return f"unknown board key '{key}'; use one of {', '.join(protocol.board_keys)}"


def check_parties(protocol: Protocol, problem: Report) -> Iterator[Problem]:
    """Partner keys are unique and never a board's key."""
    boards = set(protocol.board_keys)
    seen: set[str] = set()
    for index, partner in enumerate(protocol.partners):
        where = ("partners", index, "key")
        if partner.key in boards:
            yield problem(
                where,
                f"'{partner.key}' is already a board's key; each board and partner needs a key "
                "of its own",
            )
        elif partner.key in seen:
            yield problem(where, f"'{partner.key}' is used twice; each key must be unique")
        seen.add(partner.key)


def check_duty_parties(
    protocol: Protocol, index: int, duty: Duty, problem: Report
) -> Iterator[Problem]:
    """Owners and counterparts name boards or partners; nobody owes a duty to itself."""
    if duty.owners == "all":
        if duty.counterparts:
            yield problem(
                ("duties", index, "counterparts"),
                "owners: all already names every board, so nobody is left to owe it to; "
                "leave counterparts out, or list the owners by key",
            )
        return
    for field in ("owners", "counterparts"):
        for pos, key in enumerate(getattr(duty, field)):
            reason = unknown_party(protocol, key)
            if reason:
                yield problem(("duties", index, field, pos), reason)
    overlap = set(duty.owners) & set(duty.counterparts)
    if overlap and set(duty.counterparts) <= set(duty.owners):
        yield problem(
            ("duties", index, "counterparts"),
            "this duty is owed to its own owners; when the boards owe each other the same "
            "thing, list them all as owners and leave counterparts out",
        )
    elif overlap:
        yield problem(
            ("duties", index, "counterparts"),
            f"{', '.join(sorted(overlap))} cannot owe a duty to itself; "
            "remove it from owners or counterparts",
        )


def check_schedule(
    protocol: Protocol, base: Loc, item_id: str, schedule: Schedule, problem: Report
) -> Iterator[Problem]:
    """Meetings are boards'; a trigger names another dated duty; windows open in distinct months.

    `base` is where the schedule is: ("duties", 2, "schedule") or ("joint_meetings", 0, ...)."""
    after = schedule.after_meetings
    for pos, key in enumerate(after.of if after else []):
        reason = unknown_party(protocol, key, boards_only=True)
        if reason:
            yield problem((*base, "after_meetings", "of", pos), reason)
    openings = [window.opens for window in schedule.windows or []]
    if len(set(openings)) != len(openings):
        yield problem(
            (*base, "windows"),
            "two windows open in the same month; each window of a duty needs its own first month",
        )
    trigger = schedule.triggered
    if trigger and trigger.by:
        reason = _bad_trigger(protocol, item_id, trigger.by)
        if reason:
            yield problem((*base, "triggered", "by"), reason)


def _bad_trigger(protocol: Protocol, duty_id: str, by: str) -> str | None:
    schedules = {d.id: d.schedule for d in protocol.duties}
    schedules |= {m.id: m.schedule for m in protocol.joint_meetings}
    if by == duty_id:
        return "a duty cannot be triggered by itself; name another duty"
    others = [key for key in schedules if key != duty_id]
    if by not in schedules and not others:
        return f"unknown duty id '{by}'; this protocol has no other duty to name"
    if by not in schedules:
        return f"unknown duty id '{by}'; use the id of another duty: {', '.join(others)}"
    if schedules[by].on_demand:
        return (
            f"{by} is on demand, so it is never marked done and could not trigger this; "
            "name a dated or triggered duty"
        )
    seen, current = {duty_id}, schedules[by].triggered
    while current is not None and current.by is not None and current.by in schedules:
        if current.by == duty_id:
            return f"{by} is itself triggered, in the end, by {duty_id}: a loop never closes"
        if current.by in seen:
            return None  # a loop further on: it is reported at the duties in it
        seen.add(current.by)
        current = schedules[current.by].triggered
    return None


def check_guests(protocol: Protocol, problem: Report) -> Iterator[Problem]:
    """A guest is another board (its role holders) or a partner, named once per board."""
    for index, board in enumerate(protocol.boards):
        named: set[str] = set()
        for pos, guest in enumerate(board.guests):
            where: Loc = ("boards", index, "guests", pos)
            key = guest.board or guest.partner or ""
            if guest.board == board.key:
                reason: str | None = (
                    f"{board.key} cannot be a guest at its own meetings; name another board"
                )
            elif guest.board is not None:
                reason = unknown_party(protocol, guest.board, boards_only=True)
            elif not protocol.partners:
                reason = (
                    f"unknown partner key '{key}'; name it under partners first, "
                    f"e.g. partners: [{{key: {key}, name: ...}}]"
                )
            elif key not in protocol.partner_keys:
                known = ", ".join(protocol.partner_keys)
                reason = f"unknown partner key '{key}'; use one of {known}"
            else:
                reason = None
            if reason is None and key in named:
                reason = f"{key} is a guest twice; name each guest once"
            named.add(key)
            if reason:
                field = "board" if guest.board is not None else "partner"
                yield problem((*where, field), reason)


def check_agreement(protocol: Protocol, problem: Report) -> Iterator[Problem]:
    info = protocol.partnership
    if info.agreed and info.next_review and info.next_review <= info.agreed:
        yield problem(
            ("partnership", "next_review"),
            f"{info.next_review.isoformat()} is not after the agreement of "
            f"{info.agreed.isoformat()}; the next review comes after it",
        )
