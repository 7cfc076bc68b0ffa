"""What `boardbot protocols show` says about a protocol, as text lines or as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from schedules.calendar import long_date
from schedules.cycle import duty_specs
from schedules.ladders import default_ladder_text, escalation_ladder, stage_lines
from schedules.protocol.model import Board, Guest, Protocol


def protocol_json(protocol: Protocol) -> dict[str, Any]:
    dump = protocol.model_dump(mode="json")
    info = dump["partnership"]
    ladder, default = escalation_ladder(protocol)
    return {
        "key": info["key"],
        "name": info["name"],
        "timezone": info["timezone"],
        "year_start_month": info["year_start_month"],
        "agreed": info["agreed"],
        "next_review": info["next_review"],
        "boards": dump["boards"],
        "partners": dump["partners"],
        "duties": [{"id": spec.key, **spec.as_json()} for spec in duty_specs(protocol)],
        "ladders": dump["ladders"],
        "escalation_ladder": {**ladder.model_dump(mode="json"), "default": default},
        "prompts": dump["prompts"],
    }


def show_lines(protocol: Protocol) -> list[str]:
    """The protocol as `protocols show` prints it: agreement, boards, partners, duties, ladder."""
    info = protocol.partnership
    width = max(8, *(len(key) for key in [*protocol.board_keys, *protocol.partner_keys]))
    lines = [f"{info.key}: {info.name}", *agreement_lines(protocol), "", "Boards"]
    for board in protocol.boards:
        lines += board_lines(board, width)
    if protocol.partners:
        lines += ["", "Partners"]
        lines += [f"  {partner.key:<{width}} {partner.name}" for partner in protocol.partners]
    lines += ["", "Duties"]
    for spec in duty_specs(protocol):
        towards = f" -> {', '.join(spec.counterparts)}" if spec.counterparts else ""
        lines += [
            f"  {spec.key}",
            f"      {spec.title} [{', '.join(spec.owners)}{towards}]",
            f"      when: {spec.schedule.describe()}; clause {spec.clause}",
        ]
    return [*lines, "", *ladder_lines(protocol)]


def agreement_lines(protocol: Protocol) -> list[str]:
    info = protocol.partnership
    text = agreement_text(info.agreed, info.next_review)
    return [text] if text else []


def agreement_text(agreed: date | None, next_review: date | None) -> str:
    """'Agreed 28 October 2014; next review 28 October 2026', or nothing when neither is known."""
    said = []
    if agreed:
        said.append(f"agreed {long_date(agreed)}")
    if next_review:
        said.append(f"next review {long_date(next_review)}")
    text = "; ".join(said)
    return text[:1].upper() + text[1:]


def stored_agreement(protocol: Mapping[str, Any]) -> str:
    """The agreement's dates, from a protocol as stored (its JSON), in the same words."""
    info = protocol.get("partnership", {})

    def day(name: str) -> date | None:
        value = info.get(name)
        return date.fromisoformat(value) if value else None

    return agreement_text(day("agreed"), day("next_review"))


def board_lines(board: Board, width: int = 8) -> list[str]:
    lines = [f"  {board.key:<{width}} {board.name} ({board.kind.replace('_', ' ')})"]
    if board.guests:
        lines.append(f"  {'':<{width}} guests: {', '.join(guest_text(g) for g in board.guests)}")
    return lines


def guest_text(guest: Guest) -> str:
    if guest.partner is not None:
        return f"{guest.partner} (partner)"
    roles = " and ".join(role.replace("_", " ") for role in guest.roles)
    return f"{roles} of {guest.board}"


def ladder_lines(protocol: Protocol) -> list[str]:
    if not protocol.ladders:
        return [default_ladder_text()]
    lines = ["Escalation ladders"]
    for ladder in protocol.ladders:
        lines.append(f"  {ladder.id}: {ladder.name}")
        lines += [f"    {line}" for line in stage_lines(ladder)]
    return lines
