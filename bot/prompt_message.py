"""A prompt in the outbox as a message: header, what and when, the clause, and its buttons."""

from __future__ import annotations

from datetime import date

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
from schedules.digest import DigestPayload
from schedules.prompts.actions import may_press
from schedules.prompts.payload import PromptPayload
from storage.models import OutboxPrompt

METADATA_EVENT = "boardbot_prompt"


def prompt_message(row: OutboxPrompt) -> Message:
    payload = PromptPayload.model_validate(row.payload)
    if payload.digest is not None:
        blocks = digest_blocks(payload.digest)
    else:
        blocks = prompt_blocks(row.kind, payload, row.recipient_label)
    fallback = f"{payload.title or row.kind}: {payload.text}"
    if row.late:
        fallback = "(late) " + fallback
    return Message(
        text=fallback,
        blocks=blocks,
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
    )


def prompt_blocks(kind: str, payload: PromptPayload, recipient_label: str = "") -> list[Block]:
    blocks = [header(payload.title or kind), lines(payload.text)]
    facts: list[tuple[str, str]] = []
    if payload.window:
        facts.append(("Window", f"{short(payload.window.opens)} to {short(payload.window.closes)}"))
    if payload.due:
        facts.append(("Due", short(payload.due)))
    if payload.owners:
        facts.append(("Owed by", ", ".join(k.upper() for k in payload.owners)))
    if payload.counterparts:
        facts.append(("Owed to", ", ".join(k.upper() for k in payload.counterparts)))
    if facts:
        blocks.append(fields(*facts))
    shown = action_buttons(payload, recipient_label)
    if shown:
        blocks.append(buttons(*shown))
    notes = [f"Clause {payload.clause}"] if payload.clause else []
    if payload.late:
        notes.append("Sent late: boardbot was not running when this was due")
    if notes:
        blocks.append(context(" · ".join(notes)))
    return blocks


def action_buttons(payload: PromptPayload, recipient_label: str = "") -> list[Button]:
    """The prompt's actions as buttons, each carrying the id of the record it acts on: only
    those its recipient may press (all of them in a board's channel, or with no recipient)."""
    return [
        Button(a.label, a.id, a.value, a.style)
        for a in payload.actions
        if not recipient_label or may_press(a.id, recipient_label, a.roles)
    ]


def digest_blocks(digest: DigestPayload) -> list[Block]:
    blocks: list[Block] = [
        header(f"Weekly digest: {digest.partnership}"),
        context(f"Week of {short(digest.week_of)}"),
    ]
    for section in digest.sections:
        if not section.items:
            continue
        more = [f"… and {section.more} more"] if section.more else []
        items = [f"• {item}" for item in section.items]
        blocks += [divider(), lines((Bold(section.title),), *items, *more)]
    quiet = [s.title.lower() for s in digest.sections if not s.items]
    if quiet:
        blocks.append(context("Nothing this week: " + "; ".join(quiet)))
    return blocks


def short(day: date) -> str:
    return short_date(day)
