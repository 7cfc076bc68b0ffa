"""Prompts and digests render within Slack's limits, with their buttons and a fallback text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.fakeslack import validate_message
from bot.fakeslack.blockkit import errors_only
from bot.prompt_message import prompt_message
from bot.render import render_message
from storage.models import Notification

AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def row(kind: str, payload: dict[str, object], late: bool = False) -> Notification:
    return Notification(
        key=f"{kind}|s|2026-11-23|C0X",
        partnership_id=1,
        kind=kind,
        subject="s",
        due_on=date(2026, 11, 23),
        recipient="C0X",
        payload=payload,
        late=late,
        next_attempt_at=AT,
        created_at=AT,
    )


def test_a_huge_digest_stays_within_fifty_blocks_and_slacks_limits() -> None:
    sections = [
        {
            "title": f"Section {n}",
            "items": [f"#{i} " + "long item text " * 30 for i in range(15)],
            "more": 40,
        }
        for n in range(8)
    ]
    digest = {"partnership": "P", "week_of": "2026-11-23", "sections": sections}
    rendered = render_message(
        prompt_message(row("digest", {"title": "Weekly digest: P", "digest": digest}))
    )
    assert len(rendered["blocks"]) <= 50
    shown = str(rendered["blocks"])
    assert all(f"Section {n}" in shown for n in range(8)), "a section was cut"
    assert "not shown" not in shown
    assert errors_only(validate_message(rendered["text"], rendered["blocks"])) == []
    assert rendered["text"]


def test_a_window_opening_carries_done_and_snooze_and_its_ledger_key() -> None:
    payload = {
        "title": "LRLSCB annual report to the HWB",
        "text": "The window is open.",
        "window": {"opens": "2026-09-01", "closes": "2026-11-30"},
        "due": "2026-11-30",
        "owners": ["lrlscb"],
        "counterparts": ["hwb"],
        "clause": "para 1",
        "actions": ["done", "snooze"],
        "occurrence_id": 12,
    }
    message = prompt_message(row("window_opens", payload, late=True))
    rendered = render_message(message)
    actions = [b for b in rendered["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions[0]["elements"]] == [
        ("duty_done", "12"),
        ("duty_snooze", "12"),
    ]
    assert message.metadata == {
        "event_type": "boardbot_prompt",
        "event_payload": {"key": "window_opens|s|2026-11-23|C0X"},
    }
    assert rendered["text"].startswith("(late) LRLSCB annual report to the HWB")
