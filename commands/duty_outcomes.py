"""A duty's outcome: done with what shows it (an evidence link and/or a note, and the meeting at
which it happened), or waived with a reason. Recorded from a form (the Done and Waive buttons, or
`/duties done ID` alone) or typed in full; then every prompt Slack holds for the occurrence is
updated to say who, when and with what, without its buttons, and the owner board's channel hears
who did it."""

from __future__ import annotations

from datetime import time, timedelta

from sqlmodel import col

from commands.context import Invocation, field_error, record_arg, require_role
from commands.duty_triggers import opened_on_done
from commands.lines import link_arg
from commands.reply import (
    Bold,
    Code,
    FieldError,
    Line,
    Link,
    Mention,
    Message,
    Modal,
    ModalInput,
    Reply,
    context,
    header,
    lines,
)
from commands.words import short_text
from schedules import calendar
from schedules.calendar import short_date
from schedules.prompts.actions import DUTY_ROLES
from schedules.prompts.base import occurrence_subject
from schedules.prompts.payload import PromptPayload
from storage.errors import BoardbotError
from storage.models import Board, Duty, DutyOccurrence, Meeting
from storage.queries.boards import board_by_key
from storage.queries.meetings import between
from storage.queries.outbox import sent_about
from storage.queries.people import partners_of, roles_on
from storage.roles import Role
from storage.status import OccurrenceStatus
from storage.upsert import update_one_if

MAX_NOTE = 300  # characters of a note or a reason: the governance point, never case details
MAX_OPTIONS = 100  # meetings offered in the form
MEETINGS_BEFORE = timedelta(days=120)  # how far before the window opens a meeting may count
DONE_FORM, WAIVE_FORM = "duty_done_form", "duty_waive_form"


def owner_boards(inv: Invocation, duty: Duty) -> list[Board]:
    owners = [board_by_key(inv.partnership_id, k, session=inv.session) for k in duty.owners]
    return [b for b in owners if b is not None]


def require_owner_role(
    inv: Invocation, duty: Duty, doing: str, roles: tuple[Role, ...] = DUTY_ROLES
) -> Board | None:
    """The owner board for which the person acts: its chair (who answers for the board),
    business manager or secretariat may record a duty's outcome or snooze its prompts; so may
    the people of an owner that is a partner (Cabinet, the Leader), for whom it is None."""
    if set(partners_of(inv.partnership_id, inv.user_id, session=inv.session)) & {*duty.owners}:
        return None  # a partner's people act for it: it has no roles
    owners = [board_by_key(inv.partnership_id, k, session=inv.session) for k in duty.owners]
    boards = [b for b in owners if b is not None]
    if not boards:
        names = ", ".join(k.upper() for k in duty.owners)
        raise BoardbotError(f"only the people of {names} may {doing} for “{duty.title}”")
    for board in boards:
        assert board.id is not None
        if roles_on(board.id, inv.user_id, session=inv.session) & set(roles):
            return board
    require_role(inv, boards[0], roles, doing)  # raises, naming the role needed
    raise AssertionError("unreachable")


def verb_of(status: OccurrenceStatus) -> str:
    return "mark duties done" if status == OccurrenceStatus.DONE else "waive duties"


def require_pending(row: DutyOccurrence) -> None:
    if row.status.recorded:
        raise BoardbotError(f"#{row.id} is already {row.status}")


# -- the forms ----------------------------------------------------------------------------


def meetings_for(inv: Invocation, row: DutyOccurrence, duty: Duty) -> list[Meeting]:
    """Recorded meetings of the owner and counterpart boards at which the duty may have been
    done: from a while before its window opened until now, the latest first."""
    keys = [*duty.owners, *duty.counterparts]
    boards = [board_by_key(inv.partnership_id, k, session=inv.session) for k in keys]
    ids = [b.id for b in boards if b is not None and b.id is not None]
    start = calendar.at_local_time(row.opens, time(0)) - MEETINGS_BEFORE
    held = between(ids, start, inv.now + timedelta(days=1), session=inv.session)
    return list(reversed(held))[:MAX_OPTIONS]


def meeting_option(inv: Invocation, meeting: Meeting) -> tuple[str, str]:
    board = inv.session.get(Board, meeting.board_id)
    at = meeting.starts_at.astimezone(calendar.LONDON)
    key = board.key.upper() if board else "?"
    return str(meeting.id), f"{key} {short_date(at.date())} at {at:%H:%M}"[:75]


def done_form(inv: Invocation, row: DutyOccurrence, duty: Duty) -> Reply:
    """The Done form: what shows it was done, and the meeting at which it happened."""
    require_owner_role(inv, duty, verb_of(OccurrenceStatus.DONE))
    require_pending(row)
    inputs = [
        ModalInput(
            "link",
            "Evidence link",
            optional=True,
            hint="A full https:// link to the minutes, report or paper that shows it.",
        ),
        ModalInput(
            "note",
            "Note",
            "long_text",
            optional=True,
            hint="What shows it was done, e.g. “presented at the HWB on 12 Nov”. A link, a "
            "note or both.",
        ),
    ]
    options = tuple(meeting_option(inv, m) for m in meetings_for(inv, row, duty))
    if options:
        inputs.append(ModalInput("meeting", "At a meeting", "select", options, optional=True))
    intro = f"#{row.id} “{duty.title}” ({row.label}), due {short_date(row.due)}: what shows it?"
    modal = Modal(DONE_FORM, "Mark duty done", "Done", inputs, str(row.id), intro)
    return Reply(Message(intro), modal=modal)


def waive_form(inv: Invocation, row: DutyOccurrence, duty: Duty) -> Reply:
    require_owner_role(inv, duty, verb_of(OccurrenceStatus.WAIVED))
    require_pending(row)
    reason = ModalInput(
        "reason", "Reason", "long_text", hint="Why it is not needed; the governance reason."
    )
    intro = f"Why is #{row.id} “{duty.title}” ({row.label}) waived? The record keeps the reason."
    modal = Modal(WAIVE_FORM, "Waive duty", "Waive", [reason], str(row.id), intro)
    return Reply(Message(intro), modal=modal)


def occurrence_arg(
    inv: Invocation, token: str, usage: str | None = None
) -> tuple[DutyOccurrence, Duty]:
    """The occurrence of this partnership an id names (typed, on a button, kept in a form)."""
    missing = "there is no duty #{number}; `/duties` lists them"
    row = record_arg(inv, DutyOccurrence, token, "a duty", missing, usage)
    duty = inv.session.get(Duty, row.duty_id)
    assert duty is not None
    return row, duty


def form_occurrence(inv: Invocation, private_metadata: str) -> tuple[DutyOccurrence, Duty]:
    return occurrence_arg(inv, private_metadata)


def done_form_view(inv: Invocation, values: dict[str, str], private_metadata: str) -> Reply:
    row, duty = form_occurrence(inv, private_metadata)
    typed_link = values.get("link", "").strip()
    with field_error("link"):
        link = link_arg(typed_link) if typed_link else None
    with field_error("note"):
        note = short_text(values.get("note", ""), MAX_NOTE) or None
    if link is None and note is None:
        raise FieldError("link", "give a link to the evidence, or a note saying what shows it")
    meeting = None
    chosen = values.get("meeting", "")
    if chosen:
        meeting = {str(m.id): m for m in meetings_for(inv, row, duty)}.get(chosen)
        if meeting is None:
            raise FieldError("meeting", "choose one of the meetings listed, or none")
    return complete(inv, row, duty, OccurrenceStatus.DONE, link=link, note=note, meeting=meeting)


def waive_form_view(inv: Invocation, values: dict[str, str], private_metadata: str) -> Reply:
    row, duty = form_occurrence(inv, private_metadata)
    with field_error("reason"):
        reason = short_text(values.get("reason", ""), MAX_NOTE)
    if not reason:
        raise FieldError("reason", "give the reason it is waived")
    return complete(inv, row, duty, OccurrenceStatus.WAIVED, note=reason)


# -- recording it -------------------------------------------------------------------------


def complete(
    inv: Invocation,
    row: DutyOccurrence,
    duty: Duty,
    status: OccurrenceStatus,
    *,
    link: str | None = None,
    note: str | None = None,
    meeting: Meeting | None = None,
) -> Reply:
    """Record the outcome; update every prompt for it; tell the owner board's channel."""
    board = require_owner_role(inv, duty, verb_of(status))
    require_pending(row)
    before = {"status": row.status}
    # Conditional, so that of two people pressing Done at once only one records an outcome.
    recorded = update_one_if(
        DutyOccurrence,
        row.id,
        col(DutyOccurrence.status) == row.status,
        session=inv.session,
        status=status,
        evidence_link=link,
        note=note,
        evidence_meeting_id=meeting.id if meeting else None,
        completed_by=inv.user_id,
        completed_at=inv.now,
        next_prompt_at=None,
    )
    if not recorded:
        raise BoardbotError(f"#{row.id} was recorded by someone else a moment ago")
    inv.session.refresh(row)
    after = {
        "status": status,
        "evidence_link": link,
        "note": note,
        "evidence_meeting_id": meeting.id if meeting else None,
    }
    inv.audit(f"duty.{status}", "duty_occurrence", row.id, before=before, after=after)
    what = outcome_line(inv, row, meeting)
    summary: Line = (Code(f"#{row.id}"), " ", Bold(duty.title), f" ({row.label}) is {status}.")
    if status == OccurrenceStatus.DONE:
        summary += opened_on_done(inv, row, duty)
    text = f"#{row.id} {duty.title} ({row.label}) is {status}."
    posts = prompt_updates(inv, row, duty, what)
    shown: list[Line] = [summary, what]
    if posts:
        shown.append((f"{len(posts)} prompt{'s' if len(posts) != 1 else ''} updated.",))
    public = public_line(inv, row, duty, board, status)
    if public is not None:
        posts.append(public)
    return Reply(Message(text, [lines(*shown)]), posts=posts)


def outcome_line(inv: Invocation, row: DutyOccurrence, meeting: Meeting | None) -> Line:
    """'Done by @U on 3 Dec 2026 · evidence: LINK · note · at HWB's meeting of 12 Nov 2026'."""
    on = short_date(calendar.london_date(row.completed_at or inv.now))
    verb = "Done" if row.status == OccurrenceStatus.DONE else "Waived"
    line: Line = (f"{verb} by ", Mention(inv.user_id), f" on {on}")
    if row.evidence_link:
        line += (" · evidence: ", Link(row.evidence_link))
    if row.note:
        line += (f" · {'reason' if row.status == OccurrenceStatus.WAIVED else 'note'}: {row.note}",)
    if meeting is not None:
        line += (f" · at {meeting_option(inv, meeting)[1]}",)
    return line


def prompt_updates(
    inv: Invocation, row: DutyOccurrence, duty: Duty, outcome: Line
) -> list[Message]:
    """Every message that prompted for this occurrence (in channels and direct messages), as it
    now reads: its words, and who did it, when and with what, in place of its buttons."""
    updates = []
    subject = occurrence_subject(duty.key, row.period_key)
    for sent in sent_about(inv.partnership_id, subject, session=inv.session):
        payload = PromptPayload.model_validate(sent.payload)
        title = payload.title or duty.title
        edited = Message(
            f"{title}: {outcome_text(row)}",
            [header(title), lines(payload.text), lines((":white_check_mark: ", *outcome))],
            channel=sent.slack_channel,
            update_ts=sent.slack_ts,
        )
        updates.append(edited)
    return updates


def outcome_text(row: DutyOccurrence) -> str:
    when = short_date(calendar.london_date(row.completed_at)) if row.completed_at else ""
    return f"{row.status} on {when}"


def public_line(
    inv: Invocation,
    row: DutyOccurrence,
    duty: Duty,
    board: Board | None,
    status: OccurrenceStatus,
) -> Message | None:
    """A short line in the owner board's channel naming who recorded it."""
    channel = (board.channel_id if board else None) or next(
        (b.channel_id for b in owner_boards(inv, duty) if b.channel_id), None
    )
    if not channel:
        return None
    said = "marked done" if status == OccurrenceStatus.DONE else "waived"
    line: Line = (Mention(inv.user_id), f" {said} ", Code(f"#{row.id}"), " ", Bold(duty.title))
    line += (f" ({row.label}).",)
    if row.evidence_link:
        line += (" ", Link(row.evidence_link, "Evidence"))
    text = f"#{row.id} {duty.title} ({row.label}) {said}."
    return Message(text, [context(line)], channel=channel)
