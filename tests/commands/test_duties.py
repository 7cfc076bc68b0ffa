"""/duties lists what a board owes, and records done and waived with an audit entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from commands.duties import ACTIONS, VIEWS, handle
from commands.reply import FieldError, Link, Mention, Reply
from schedules.prompts.base import occurrence_subject
from storage.errors import BoardbotError
from storage.models import AuditEntry, Board, Duty, DutyOccurrence, Meeting, OutboxPrompt
from storage.status import PromptStatus
from tests.commands.conftest import NOW, OUTSIDER, BoundPartnership


def annual_report_id(bound: BoundPartnership) -> int:
    reply = bound.run("/duties", "lrlscb", "U0LSCBBM")
    row = bound.session.exec(
        select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
    ).first()
    assert row is not None and row.id is not None
    assert f"#{row.id}" in str(reply.message.blocks)
    return row.id


def test_it_lists_a_boards_annual_report_as_due_soon(bound: BoundPartnership) -> None:
    reply = bound.run("/duties", "LRLSCB", OUTSIDER)
    text = str(reply.message.blocks)
    assert "LRLSCB annual report to the HWB" in text
    assert "Due within 10 working days" in text
    assert reply.ephemeral


def test_it_marks_a_duty_done_with_its_evidence_and_audits_it(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    reply = bound.run("/duties", f"done {occ_id} https://example.org/ar.pdf", "U0LSCBBM")
    assert "is done" in reply.message.text
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "done" and row.evidence_link == "https://example.org/ar.pdf"
    entry = bound.session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert entry.actor == "U0LSCBBM" and entry.before == {"status": "pending"}


def test_it_refuses_a_duty_from_someone_with_no_role_on_its_board(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    with pytest.raises(BoardbotError, match="LRLSCB's chair or business manager or secretariat"):
        bound.run("/duties", f"done {occ_id}", "U0HWBBM")
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "pending"


def test_it_waives_with_a_reason_and_refuses_a_second_outcome(bound: BoundPartnership) -> None:
    occ_id = annual_report_id(bound)
    bound.run("/duties", f"waive {occ_id} presented jointly with the LRSAB report", "U0LSCBSEC")
    row = bound.session.get(DutyOccurrence, occ_id)
    assert row and row.status == "waived" and row.note == "presented jointly with the LRSAB report"
    with pytest.raises(BoardbotError, match="already waived"):
        bound.run("/duties", f"done {occ_id}", "U0LSCBBM")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "no board called 'nope'"),
        ("done", "give the duty's id"),
        ("done twelve", "'twelve' is not a duty id"),
        ("done 99999", "there is no duty #99999"),
        ("waive", "give the duty's id and the reason"),
        ("done 1 www.example.org/ar.pdf", "'www.example.org/ar.pdf' is not a link"),
        ("lrlscb extra words", "is not a /duties command"),
    ],
)
def test_it_explains_a_malformed_command(bound: BoundPartnership, text: str, message: str) -> None:
    with pytest.raises(BoardbotError, match=message):
        bound.run("/duties", text, "U0LSCBBM")


def test_it_understands_a_board_given_as_its_channel(bound: BoundPartnership) -> None:
    reply = bound.run("/duties", "#C0SAB", OUTSIDER)
    assert "LRSAB annual report" in str(reply.message.blocks)


# -- done with evidence ------------------------------------------------------------------


def annual_report(bound: BoundPartnership) -> DutyOccurrence:
    row = bound.session.get(DutyOccurrence, annual_report_id(bound))
    assert row is not None
    return row


def add_meeting(
    bound: BoundPartnership, key: str, starts_at: datetime, status: str = "scheduled"
) -> int:
    board = bound.session.exec(select(Board).where(Board.key == key)).one()
    meeting = Meeting(board_id=board.id or 0, starts_at=starts_at, status=status)
    bound.session.add(meeting)
    bound.session.commit()
    assert meeting.id is not None
    return meeting.id


def act(bound: BoundPartnership, handler: Callable[..., Reply], user: str, *args: object) -> Reply:
    """Call a button or form handler as one transaction, as the Slack edge does."""
    try:
        reply = handler(bound.invocation(user, channel="C0LSCB"), *args)
        bound.session.commit()
    except BaseException:
        bound.session.rollback()
        raise
    return reply


def sent_prompt(
    bound: BoundPartnership, row: DutyOccurrence, recipient: str, channel: str, ts: str, **kw: Any
) -> OutboxPrompt:
    duty = bound.session.get(Duty, row.duty_id)
    assert duty is not None
    prompt = OutboxPrompt(
        key=f"reminder:{recipient}:{ts}",
        partnership_id=duty.partnership_id,
        kind="reminder",
        subject=kw.pop("subject", occurrence_subject(duty.key, row.period_key)),
        due_on=date(2026, 11, 16),
        recipient=recipient,
        recipient_label=kw.pop("label", "channel:lrlscb"),
        payload={
            "title": duty.title,
            "text": "Reminder: it is due by 30 November 2026.",
            "occurrence_id": row.id,
            "actions": [{"id": "duty_done", "label": "Done", "value": str(row.id)}],
        },
        status=kw.pop("status", PromptStatus.SENT),
        next_attempt_at=NOW,
        created_at=NOW,
        slack_channel=channel,
        slack_ts=ts,
    )
    bound.session.add(prompt)
    bound.session.commit()
    return prompt


def test_done_alone_opens_the_form_with_the_meetings_of_owner_and_counterpart_boards(
    bound: BoundPartnership,
) -> None:
    row = annual_report(bound)
    hwb = add_meeting(bound, "hwb", datetime(2026, 11, 12, 14, tzinfo=UTC))
    lrlscb = add_meeting(bound, "lrlscb", datetime(2026, 10, 8, 10, tzinfo=UTC))
    add_meeting(bound, "hwb", datetime(2026, 11, 19, 14, tzinfo=UTC), status="cancelled")
    add_meeting(bound, "lrsab", datetime(2026, 11, 5, 10, tzinfo=UTC))  # neither owner nor owed
    reply = bound.run("/duties", f"done {row.id}", "U0LSCBBM")
    assert reply.modal is not None and reply.modal.callback_id == "duty_done_form"
    assert reply.modal.private_metadata == str(row.id)
    link, note, meeting = reply.modal.inputs
    assert (link.block_id, note.block_id, meeting.block_id) == ("link", "note", "meeting")
    assert link.optional and note.optional and meeting.optional
    assert [value for value, _ in meeting.options] == [str(hwb), str(lrlscb)]
    assert meeting.options[0][1] == "HWB 12 Nov 2026 at 14:00"
    assert row.status == "pending"


def test_done_alone_without_a_trigger_refuses_with_the_usage(bound: BoundPartnership) -> None:
    row = annual_report(bound)
    inv = bound.invocation("U0LSCBBM")
    inv.trigger_id = None
    with pytest.raises(BoardbotError, match="give the duty's id and a link or a note") as refused:
        handle(inv, f"done {row.id}")
    assert refused.value.usage and "/duties done ID [LINK] [NOTE]" in refused.value.usage


def test_the_done_button_opens_the_form_and_refuses_whom_it_would_refuse(
    bound: BoundPartnership,
) -> None:
    row = annual_report(bound)
    reply = act(bound, ACTIONS["duty_done"], "U0LSCBCHAIR", "duty_done", str(row.id))
    assert reply.modal is not None and reply.modal.callback_id == "duty_done_form"
    with pytest.raises(BoardbotError, match="LRLSCB's chair or business manager or secretariat"):
        act(bound, ACTIONS["duty_done"], "U0HWBCHAIR", "duty_done", str(row.id))


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        ({"link": "", "note": ""}, "link", "give a link to the evidence, or a note"),
        ({"link": "example.org/ar.pdf", "note": ""}, "link", "is not a link"),
        ({"link": "", "note": "x" * 301}, "note", "keep it under 300"),
        ({"link": "", "note": "presented", "meeting": "99999"}, "meeting", "choose one of"),
    ],
)
def test_the_done_form_shows_each_problem_under_its_field(
    bound: BoundPartnership, values: dict[str, str], block: str, message: str
) -> None:
    row = annual_report(bound)
    with pytest.raises(FieldError, match=message) as wrong:
        act(bound, VIEWS["duty_done_form"], "U0LSCBBM", values, str(row.id))
    assert wrong.value.block_id == block
    bound.session.refresh(row)
    assert row.status == "pending" and row.evidence_link is None
    assert (
        bound.session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).first()
        is None
    )


def test_a_chair_marks_it_done_from_the_form_with_link_note_and_meeting(
    bound: BoundPartnership,
) -> None:
    row = annual_report(bound)
    meeting = add_meeting(bound, "hwb", datetime(2026, 11, 12, 14, tzinfo=UTC))
    values = {
        "link": "https://example.org/ar.pdf",
        "note": "presented at the HWB on 12 Nov",
        "meeting": str(meeting),
    }
    reply = act(bound, VIEWS["duty_done_form"], "U0LSCBCHAIR", values, str(row.id))
    bound.session.refresh(row)
    assert row.status == "done" and row.completed_by == "U0LSCBCHAIR"
    assert row.evidence_link == "https://example.org/ar.pdf"
    assert row.note == "presented at the HWB on 12 Nov" and row.evidence_meeting_id == meeting
    entry = bound.session.exec(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert entry.actor == "U0LSCBCHAIR" and entry.after["evidence_meeting_id"] == meeting
    assert reply.ephemeral and "is done" in reply.message.text
    (public,) = reply.posts
    assert public.channel == "C0LSCB" and public.update_ts is None
    assert Mention("U0LSCBCHAIR") in public.blocks[0].lines[0]
    assert "marked done" in public.text


def test_every_prompt_for_the_occurrence_is_updated_and_loses_its_buttons(
    bound: BoundPartnership,
) -> None:
    row = annual_report(bound)
    sent_prompt(bound, row, "C0LSCB", "C0LSCB", "1764000000.000100")
    sent_prompt(
        bound, row, "U0LSCBBM", "D0LSCBBM", "1764000000.000200", label="business_manager:lrlscb"
    )
    sent_prompt(bound, row, "U0LSCBCHAIR", "D0LSCBCH", "1764000000.000300", label="chair:lrlscb")
    sent_prompt(
        bound, row, "U0LSCBSEC", "D0LSCBSE", "1764000000.000400", status=PromptStatus.PENDING
    )
    sent_prompt(bound, row, "C0LSCB", "C0LSCB", "1764000000.000500", subject="occurrence:other:x")
    reply = bound.run("/duties", f"done {row.id} https://example.org/ar.pdf", "U0LSCBSEC")
    updates = [p for p in reply.posts if p.update_ts]
    assert [(p.channel, p.update_ts) for p in updates] == [
        ("C0LSCB", "1764000000.000100"),
        ("D0LSCBBM", "1764000000.000200"),
        ("D0LSCBCH", "1764000000.000300"),
    ]
    for update in updates:
        assert not [block for block in update.blocks if block.buttons]
        said = update.blocks[-1].lines[0]
        assert Mention("U0LSCBSEC") in said and Link("https://example.org/ar.pdf") in said
        assert "Done by " in said and " on 23 Nov 2026" in said
    (public,) = [p for p in reply.posts if not p.update_ts]
    assert public.channel == "C0LSCB"
    assert "3 prompts updated." in str(reply.message.blocks)


def test_waive_without_a_reason_opens_its_form_which_needs_one_and_updates_the_prompts(
    bound: BoundPartnership,
) -> None:
    row = annual_report(bound)
    sent_prompt(
        bound, row, "U0LSCBBM", "D0LSCBBM", "1764000000.000200", label="business_manager:lrlscb"
    )
    reply = bound.run("/duties", f"waive {row.id}", "U0LSCBCHAIR")
    assert reply.modal is not None and reply.modal.callback_id == "duty_waive_form"
    with pytest.raises(FieldError, match="give the reason") as empty:
        act(bound, VIEWS["duty_waive_form"], "U0LSCBCHAIR", {"reason": "  "}, str(row.id))
    assert empty.value.block_id == "reason"
    reason = "presented jointly with the LRSAB report"
    reply = act(bound, VIEWS["duty_waive_form"], "U0LSCBCHAIR", {"reason": reason}, str(row.id))
    bound.session.refresh(row)
    assert row.status == "waived" and row.note == reason
    update, public = reply.posts
    assert update.update_ts == "1764000000.000200" and "reason: " + reason in str(update.blocks)
    assert public.channel == "C0LSCB" and "waived" in public.text


def test_a_note_alone_is_evidence_enough(bound: BoundPartnership) -> None:
    row = annual_report(bound)
    bound.run("/duties", f"done {row.id} presented at the HWB on 12 Nov", "U0LSCBBM")
    bound.session.refresh(row)
    assert row.status == "done" and row.evidence_link is None
    assert row.note == "presented at the HWB on 12 Nov"
