"""Answers to agenda requests: Accept (onto a meeting, chosen in a modal when there are several)
and Decline (with a reason); the request's message is updated and the requester told."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlmodel import col

from commands.context import Invocation, field_error, require_role
from commands.lines import sentence
from commands.reply import (
    Bold,
    Button,
    FieldError,
    Line,
    Mention,
    Message,
    Modal,
    ModalInput,
    Reply,
    buttons,
    context,
    lines,
)
from commands.words import parse_id, short_text
from schedules import calendar
from schedules.calendar import short_date
from storage.errors import BoardbotError
from storage.models import AgendaRequest, Board, Meeting
from storage.queries.meetings import upcoming
from storage.queries.records import record_in_partnership
from storage.roles import OFFICERS
from storage.status import AgendaStatus
from storage.upsert import update_one_if

DECIDING = "answer agenda requests"
MAX_TEXT, MAX_OPTIONS = 300, 100  # characters of an item or reason; meetings offered


def request_message(
    request: AgendaRequest, asker: Board, asked: Board, outcome: Line | None
) -> Message:
    """The message in the asked board's channel: buttons while open, the outcome once decided."""
    title: Line = (
        Bold(f"Agenda request #{request.id}"),
        f" from {asker.key.upper()} for {asked.key.upper()}'s agenda",
    )
    on = short_date(calendar.london_date(request.requested_at))
    blocks = [
        lines(title, request.text),
        context(("Asked by ", Mention(request.requested_by), f" on {on}")),
    ]
    if outcome is None:
        accept = Button("Accept", "agenda_accept", str(request.id), "primary")
        blocks.append(buttons(accept, Button("Decline", "agenda_decline", str(request.id))))
    else:
        blocks.append(lines(outcome))
    return Message(f"{asker.key.upper()} asks {asked.key.upper()}: {request.text}", blocks)


def channel_post(request: AgendaRequest, asker: Board, asked: Board) -> Message:
    """The open request, with its buttons, for the asked board's channel; once posted, the edge
    reports where (the POSTED hook) so that the answer can update that message."""
    post = request_message(request, asker, asked, None)
    post.channel = asked.channel_id
    post.metadata = {"event_type": "agenda_request", "event_payload": {"id": request.id}}
    return post


class Asking(NamedTuple):
    """An agenda request and the boards asking and asked."""

    request: AgendaRequest
    asker: Board
    asked: Board


def find_request(inv: Invocation, value: str, usage: str | None = None) -> Asking:
    """The request an id names, in this partnership, and the boards asking and asked."""
    number = parse_id(value, "an agenda request", usage=usage)
    request = record_in_partnership(AgendaRequest, number, inv.partnership_id, session=inv.session)
    if request is None:
        raise BoardbotError(f"there is no agenda request #{value}; `/agenda list` lists them")
    asker = inv.session.get(Board, request.from_board_id)
    asked = inv.session.get(Board, request.to_board_id)
    assert asker is not None and asked is not None
    return Asking(request, asker, asked)


def require_open(inv: Invocation, request: AgendaRequest) -> None:
    if request.status != AgendaStatus.OPEN:
        raise BoardbotError(f"agenda request #{request.id} is already {outcome_text(inv, request)}")


def request_arg(inv: Invocation, value: str) -> Asking:
    """The request a button or modal names, and its boards: open, and the person may answer."""
    asking = find_request(inv, value)
    require_role(inv, asking.asked, OFFICERS, DECIDING)
    require_open(inv, asking.request)
    return asking


def outcome_text(inv: Invocation, request: AgendaRequest) -> str:
    if request.status == AgendaStatus.DECLINED:
        return f"declined: {request.reason}"
    if request.status != AgendaStatus.ACCEPTED:
        return f"{request.status} since {short_date(calendar.london_date(request.requested_at))}"
    meeting = inv.session.get(Meeting, request.meeting_id) if request.meeting_id else None
    return f"accepted for the meeting on {meeting_label(meeting)}" if meeting else "accepted"


def upcoming_meetings(inv: Invocation, board: Board) -> list[Meeting]:
    return upcoming([board.id], inv.now, session=inv.session, limit=MAX_OPTIONS)


def meeting_label(meeting: Meeting) -> str:
    at = meeting.starts_at.astimezone(calendar.LONDON)
    venue = f", {meeting.venue}" if meeting.venue else ""
    return f"{short_date(at.date())} at {at:%H:%M}{venue}"[:75]


def on_accept(inv: Invocation, action_id: str, value: str) -> Reply:
    """Accept for the asked board's next meeting, or ask which one when it has several."""
    asking = request_arg(inv, value)
    request, asked = asking.request, asking.asked
    upcoming = upcoming_meetings(inv, asked)
    if len(upcoming) <= 1:
        return decide(inv, asking, meeting=upcoming[0] if upcoming else None)
    options = tuple((str(m.id), meeting_label(m)) for m in upcoming)
    choice = ModalInput("meeting", "Meeting", "select", options)  # no choice made for them
    intro = f"Which {asked.key.upper()} meeting should take request #{request.id}?"
    return form_about(
        request, Modal("agenda_accept_meeting", "Accept agenda item", "Accept", [choice]), intro
    )


def accept_meeting_view(inv: Invocation, values: dict[str, str], private_metadata: str) -> Reply:
    asking = request_arg(inv, private_metadata)
    upcoming = upcoming_meetings(inv, asking.asked)
    chosen = {str(m.id): m for m in upcoming}.get(values.get("meeting", ""))
    if chosen is None:
        raise FieldError("meeting", f"choose one of {asking.asked.key.upper()}'s upcoming meetings")
    return decide(inv, asking, meeting=chosen)


def on_decline(inv: Invocation, action_id: str, value: str) -> Reply:
    request, _, asked = request_arg(inv, value)
    reason = ModalInput(
        "reason", "Reason", "long_text", hint="The governance reason; never case details."
    )
    intro = f"Why is {asked.key.upper()} declining request #{request.id}? The requester is told."
    form = Modal("agenda_decline_reason", "Decline agenda item", "Decline", [reason])
    return form_about(request, form, intro)


def form_about(request: AgendaRequest, form: Modal, intro: str) -> Reply:
    """A form about the request (its id kept in the form, for the answer), with its question."""
    form.private_metadata, form.intro = str(request.id), intro
    return Reply(Message(intro), modal=form)


def decline_reason_view(inv: Invocation, values: dict[str, str], private_metadata: str) -> Reply:
    asking = request_arg(inv, private_metadata)
    with field_error("reason"):
        reason = short_text(values.get("reason", ""), MAX_TEXT)
    if not reason:
        raise FieldError("reason", "give the reason the item is declined")
    return decide(inv, asking, reason=reason)


def decide(
    inv: Invocation, asking: Asking, *, meeting: Meeting | None = None, reason: str | None = None
) -> Reply:
    """Record the answer, update the request's message and tell the requester."""
    request, asker, asked = asking
    status = AgendaStatus.DECLINED if reason else AgendaStatus.ACCEPTED
    after = {"status": status, "meeting_id": meeting.id if meeting else None, "reason": reason}
    claim(inv, request, **after, decided_by=inv.user_id, decided_at=inv.now)
    inv.audit(
        f"agenda.{status}",
        "agenda_request",
        request.id,
        before={"status": AgendaStatus.OPEN},
        after=after,
    )
    outcome = outcome_text(inv, request)
    if status == AgendaStatus.ACCEPTED and meeting is None:
        outcome += f"; {asked.key.upper()} has no meeting scheduled, so it will need one"
    said = f"Agenda request #{request.id} from {asker.key.upper()} is {outcome}."
    told = f"Your agenda request #{request.id} to {asked.key.upper()} is {outcome}."
    posts = [Message(told, [lines(told)], channel=request.requested_by)]
    if request.message_channel and request.message_ts:
        answer: Line = answered_by(request, inv.user_id, outcome)
        edited = request_message(request, asker, asked, answer)
        edited.channel, edited.update_ts = request.message_channel, request.message_ts
        posts.insert(0, edited)
    return Reply(Message(said, [lines(said)]), posts=posts)


def answered_by(request: AgendaRequest, user_id: str, outcome: str) -> Line:
    """'Declined by @U…. Reason: Agenda full.', 'Accepted by @U… for the meeting on …'."""
    if request.status == AgendaStatus.DECLINED:
        return ("Declined by ", Mention(user_id), f". Reason: {sentence(request.reason or '')}")
    rest = outcome.removeprefix("accepted")  # "", " for the meeting on …", "; HWB has no …"
    return ("Accepted by ", Mention(user_id), f"{rest}.")


def claim(inv: Invocation, request: AgendaRequest, **answer: Any) -> None:
    """Two people may answer at once: the conditional UPDATE lets exactly one answer count."""
    open_now = col(AgendaRequest.status) == AgendaStatus.OPEN
    if not update_one_if(AgendaRequest, request.id, open_now, session=inv.session, **answer):
        raise BoardbotError(f"agenda request #{request.id} was answered a moment ago")
    inv.session.refresh(request)
