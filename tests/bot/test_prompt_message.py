"""Prompts and digests render within Slack's limits, with their buttons and a fallback text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.fakeslack import validate_message
from bot.fakeslack.blockkit import errors_only
from bot.prompt_message import prompt_message
from bot.render import render_message
from storage.models import OutboxPrompt

AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def row(kind: str, payload: dict[str, object], late: bool = False) -> OutboxPrompt:
    return OutboxPrompt(
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


def test_a_window_opening_carries_done_and_snooze_and_its_outbox_key() -> None:
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


def test_a_payload_is_built_once_stored_as_json_and_read_back_typed_with_its_buttons() -> None:
    from schedules.prompts.actions import DONE, SNOOZE
    from schedules.prompts.base import Prompt, Recipient
    from schedules.prompts.payload import PromptPayload, payload_of

    prompt = Prompt(
        "reminder",
        date(2026, 11, 16),
        subject="occurrence:d:2026-09-01",
        recipient=Recipient("channel", "lrlscb"),
        title="LRLSCB annual report",
        text="Due soon.",
        due=date(2026, 11, 30),
        actions=(DONE, SNOOZE),
        extra={"occurrence_id": 12, "working_days_left": 10},
    )
    stored = payload_of(prompt, late=False).stored()
    assert stored["date"] == "2026-11-16" and stored["due"] == "2026-11-30"
    read = PromptPayload.model_validate(stored)
    assert [(a.id, a.label, a.value, a.style) for a in read.actions] == [
        ("duty_done", "Done", "12", "primary"),
        ("duty_snooze", "Snooze 3 working days", "12", None),
    ]
    assert read.actions[0].roles == DONE.roles
    assert (read.occurrence_id, read.working_days_left) == (12, 10)
    rendered = render_message(prompt_message(row("reminder", stored)))
    buttons = next(b for b in rendered["blocks"] if b["type"] == "actions")["elements"]
    assert [(e["action_id"], e["value"]) for e in buttons] == [
        ("duty_done", "12"),
        ("duty_snooze", "12"),
    ]


def test_a_prompt_with_a_field_its_payload_lacks_is_refused_when_built() -> None:
    import pytest

    from schedules.prompts.base import Prompt, Recipient
    from schedules.prompts.payload import payload_of

    prompt = Prompt(
        "reminder",
        date(2026, 11, 16),
        subject="s",
        recipient=Recipient("channel", "hwb"),
        title="t",
        text="x",
        extra={"occurence_id": 12},  # misspelt: it would silently lose its buttons
    )
    with pytest.raises(ValueError, match="occurence_id"):
        payload_of(prompt, late=False)


def test_a_prompt_shows_only_the_buttons_its_recipient_may_press() -> None:
    actions = [
        {"id": "duty_done", "label": "Done", "value": "12", "roles": ["business_manager"]},
        {"id": "duty_snooze", "label": "Snooze", "value": "12"},
        {"id": "escalation_advance", "label": "Advance", "value": "4"},
    ]
    payload = {"title": "LRSAB annual report", "text": "Due soon.", "actions": actions}

    def pressable(label: str) -> list[str]:
        prompt = row("reminder", payload)
        prompt.recipient_label = label
        rendered = render_message(prompt_message(prompt))
        found = [b for b in rendered["blocks"] if b["type"] == "actions"]
        return [e["action_id"] for block in found for e in block["elements"]]

    everything = ["duty_done", "duty_snooze", "escalation_advance"]
    # A chair answers for the board: Done and Snooze (recorded for business managers before)
    # are the chair's to press too; so are they for the business manager and secretariat.
    for officer in ("chair:lrsab", "business_manager:lrsab", "secretariat:lrsab"):
        assert pressable(officer) == everything
    assert pressable("channel:lrsab") == everything  # whoever is in the board's channel
    assert pressable("member:lrsab") == []  # a joint meeting's member attendee: no buttons
    assert pressable("partner:cabinet") == everything  # a partner's people act for it
