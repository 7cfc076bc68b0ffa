"""A ledger row's payload as a message: header, what and when, the clause, and its buttons."""

from __future__ import annotations

from datetime import date
from typing import Any

from commands.reply import (
    Block,
    Bold,
    Button,
    Message,
    buttons,
    context,
    divider,
    fields,
    header,
    lines,
)
from schedules.calendar import short_date
from storage.models import Notification

METADATA_EVENT = "boardbot_prompt"


def prompt_message(row: Notification) -> Message:
    payload = row.payload
    if row.kind == "digest" and "digest" in payload:
        blocks = digest_blocks(payload["digest"])
    else:
        blocks = prompt_blocks(row.kind, payload)
    fallback = f"{payload.get('title', row.kind)}: {payload.get('text', '')}"
    if row.late:
        fallback = "(late) " + fallback
    return Message(
        text=fallback,
        blocks=blocks,
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
    )


def prompt_blocks(kind: str, payload: dict[str, Any]) -> list[Block]:
    blocks = [header(str(payload.get("title") or kind)), lines(str(payload.get("text", "")))]
    facts: list[tuple[str, str]] = []
    window = payload.get("window")
    if window:
        facts.append(("Window", f"{short(window['opens'])} to {short(window['closes'])}"))
    if payload.get("due"):
        facts.append(("Due", short(payload["due"])))
    if payload.get("owners"):
        facts.append(("Owed by", ", ".join(k.upper() for k in payload["owners"])))
    if payload.get("counterparts"):
        facts.append(("Owed to", ", ".join(k.upper() for k in payload["counterparts"])))
    if facts:
        blocks.append(fields(*facts))
    actions = action_buttons(payload)
    if actions:
        blocks.append(buttons(*actions))
    notes = [f"Clause {payload['clause']}"] if payload.get("clause") else []
    if payload.get("late"):
        notes.append("Sent late: boardbot was not running when this was due")
    if notes:
        blocks.append(context(" · ".join(notes)))
    return blocks


def action_buttons(payload: dict[str, Any]) -> list[Button]:
    found = []
    occurrence = payload.get("occurrence_id")
    if occurrence and "done" in payload.get("actions", []):
        found.append(Button("Done", "duty_done", str(occurrence), "primary"))
    if occurrence and "snooze" in payload.get("actions", []):
        found.append(Button("Snooze 3 working days", "duty_snooze", str(occurrence)))
    escalation = payload.get("escalation_id")
    if escalation and "advance" in payload.get("actions", []):
        found.append(Button("Advance", "escalation_advance", str(escalation), "primary"))
    return found


def digest_blocks(digest: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [
        header(f"Weekly digest: {digest['partnership']}"),
        context(f"Week of {short(digest['week_of'])}"),
    ]
    for section in digest["sections"]:
        items = section["items"]
        if not items:
            continue
        more = [f"… and {section['more']} more"] if section.get("more") else []
        blocks += [divider(), lines((Bold(section["title"]),), *[f"• {i}" for i in items], *more)]
    quiet = [s["title"].lower() for s in digest["sections"] if not s["items"]]
    if quiet:
        blocks.append(context("Nothing this week: " + "; ".join(quiet)))
    return blocks


def short(iso: str) -> str:
    return short_date(date.fromisoformat(iso))
