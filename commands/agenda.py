"""/agenda — one board asks another for an item on its agenda.

`/agenda request FROM TO TEXT` asks board TO for an item on its agenda, on behalf of board FROM.
`/agenda` alone opens a form for the same request.
`/agenda list [BOARD]` lists open and recent requests to or from BOARD.
`/agenda BOARD` shows BOARD's next meeting and the items accepted for it.
`/agenda repost ID` posts an open request to the asked board's channel again (when it failed).
TO's chair, business manager or secretariat accepts or declines from the request's message.
Example: `/agenda request lrlscb hwb Neglect strategy: progress and shared priorities`
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from commands.agenda_answers import (
    MAX_TEXT,
    accept_meeting_view,
    channel_post,
    decline_reason_view,
    find_request,
    meeting_label,
    on_accept,
    on_decline,
    outcome_text,
    require_open,
    upcoming_meetings,
)
from commands.context import Invocation, board_arg, field_error, listed_board, require_role
from commands.lines import capped, pair_of, record_id
from commands.reply import (
    Bold,
    Code,
    Line,
    Message,
    Modal,
    ModalInput,
    Reply,
    context,
    header,
    lines,
)
from commands.words import rest_after, short_text
from storage.errors import BoardbotError
from storage.models import AgendaRequest, Board
from storage.queries.agenda import accepted_for, open_or_recent
from storage.queries.boards import boards_of, keys_by_id
from storage.queries.people import memberships_of, roles_on
from storage.roles import OFFICERS, WRITERS, either
from storage.status import AgendaStatus

USAGE = (
    "Usage: `/agenda request FROM TO TEXT`, `/agenda list [BOARD]`, `/agenda BOARD`, "
    "`/agenda repost ID`, `/agenda`"
)
ASKING = "ask for an agenda item"
RECENT = timedelta(days=90)


def handle(inv: Invocation, text: str) -> Reply:
    args = text.split()
    if not args:
        return request_form(inv)
    verb = args[0].lower()
    if verb == "help":
        return Reply.say(__doc__ or USAGE)
    if verb == "request":
        if len(args) < 4:
            raise BoardbotError("give the asking board, the board asked and the item", usage=USAGE)
        asker, asked = (board_arg(inv, token, usage=USAGE) for token in args[1:3])
        check_pair(inv, asker, asked)
        return open_request(inv, asker, asked, item_text(rest_after(text, 3)))
    if verb == "list" and len(args) <= 2:
        return listing(inv, listed_board(inv, args[1:], usage=USAGE))
    if verb == "repost":
        if len(args) != 2:
            raise BoardbotError("give the id of the agenda request to post again", usage=USAGE)
        return repost(inv, args[1])
    if len(args) == 1:
        return board_agenda(inv, board_arg(inv, args[0], usage=USAGE))
    raise BoardbotError(f"'{text.strip()}' is not an /agenda command", usage=USAGE)


def check_pair(inv: Invocation, asker: Board, asked: Board) -> None:
    if asker.id == asked.id:
        raise BoardbotError("a board cannot ask itself for an agenda item", usage=USAGE)
    require_role(inv, asker, OFFICERS, ASKING)
    require_channel(asked)


def require_channel(asked: Board) -> None:
    if not asked.channel_id:
        raise BoardbotError(
            f"{asked.key.upper()} has no channel to ask in yet; its business manager can "
            f"link one with `/boards link {asked.key} #channel`"
        )


def item_text(text: str) -> str:
    item = short_text(text, MAX_TEXT)
    if not item:
        raise BoardbotError("say what the agenda item is", usage=USAGE)
    return item


def open_request(inv: Invocation, asker: Board, asked: Board, text: str) -> Reply:
    assert asker.id is not None and asked.id is not None
    request = AgendaRequest(
        partnership_id=inv.partnership_id,
        from_board_id=asker.id,
        to_board_id=asked.id,
        text=text,
        requested_by=inv.user_id,
        requested_at=inv.now,
    )
    inv.session.add(request)
    inv.session.flush()
    after = {"from": asker.key, "to": asked.key, "text": text, "status": AgendaStatus.OPEN}
    inv.audit("agenda.requested", "agenda_request", request.id, after=after)
    said = f" sent to {asked.key.upper()}'s channel for an answer."
    again = f"If it does not arrive there, `/agenda repost {request.id}` posts it again."
    blocks = [lines((Code(f"#{request.id}"), said)), context(again)]
    reply = Message(f"Agenda request #{request.id}{said}", blocks)
    return Reply(reply, posts=[channel_post(request, asker, asked)])


def repost(inv: Invocation, token: str) -> Reply:
    """An open request's message again, for when its post failed or was lost.

    Where a message sits is bookkeeping: the answer updates the newest post; no audit entry."""
    request, asker, asked = find_request(inv, token, usage=USAGE)
    require_reposter(inv, asker, asked)
    require_open(inv, request)
    require_channel(asked)
    said = f" posted again to {asked.key.upper()}'s channel."
    reply = Message(f"Agenda request #{request.id}{said}", [lines((Code(f"#{request.id}"), said))])
    return Reply(reply, posts=[channel_post(request, asker, asked)])


def require_reposter(inv: Invocation, asker: Board, asked: Board) -> None:
    """The asking board's officers, or the asked board's business manager or secretariat."""
    assert asker.id is not None and asked.id is not None
    if roles_on(asker.id, inv.user_id, session=inv.session) & set(OFFICERS):
        return
    if roles_on(asked.id, inv.user_id, session=inv.session) & set(WRITERS):
        return
    askers, answerers = either(OFFICERS), either(WRITERS)
    raise BoardbotError(
        f"to post an agenda request again you need to be {asker.key.upper()}'s {askers}, "
        f"or {asked.key.upper()}'s {answerers}"
    )


def listing(inv: Invocation, board: Board | None) -> Reply:
    since = inv.now - RECENT
    newest = open_or_recent(
        inv.partnership_id, board.id if board else None, since, session=inv.session
    )
    found = sorted(newest, key=lambda r: r.status != AgendaStatus.OPEN)
    who = board.key.upper() if board else inv.partnership.name
    if not found:
        return Reply.say(f"No open or recent agenda requests for {who}.")
    keys = keys_by_id(inv.partnership_id, session=inv.session)
    shown, more = capped(found, "name a board to narrow it.")
    rows = [request_line(r, keys, outcome_text(inv, r)) for r in shown]
    title: Line = (Bold(f"Agenda requests: {who}"),)
    return Reply.say(f"{len(found)} agenda requests for {who}", lines(title, *rows), *more)


def request_line(request: AgendaRequest, keys: dict[int, str], outcome: str) -> Line:
    towards = pair_of(keys, request.from_board_id, request.to_board_id)
    line: Line = (record_id(request.id), " ", Bold(towards), f" {request.text} · {outcome}")
    if request.status == AgendaStatus.OPEN and not request.message_ts:  # its post failed
        line += (" · not posted: ", Code(f"/agenda repost {request.id}"))
    return line


def board_agenda(inv: Invocation, board: Board) -> Reply:
    key = board.key.upper()
    upcoming = upcoming_meetings(inv, board)[:1]
    if upcoming:
        nearest = upcoming[0]
        items = accepted_for(board.id, nearest.id, session=inv.session)
        heading = f"{key} meets next on {meeting_label(nearest)}."
    else:
        items, heading = [], f"{key} has no meeting scheduled."
    waiting = accepted_for(board.id, None, session=inv.session)
    rows: list[Line] = [(Code(f"#{r.id}"), f" {r.text}") for r in items]
    blocks = [header(f"Agenda: {key}"), lines(heading, *(rows or [("No items accepted yet.",)]))]
    if waiting:
        listed = "; ".join(f"#{r.id} {r.text}" for r in waiting)
        blocks.append(context(f"Accepted, waiting for a meeting: {listed}"))
    return Reply.say(f"{heading} {len(items)} accepted items.", *blocks)


def request_form(inv: Invocation) -> Reply:
    boards = boards_of(inv.partnership_id, session=inv.session)
    options = tuple((b.key, f"{b.key.upper()}: {b.name}"[:75]) for b in boards)
    held = memberships_of(inv.user_id, session=inv.session)
    chaired = {b.id for b, role in held if role in OFFICERS}
    mine = next((b.key for b in boards if b.id in chaired), "")
    modal = Modal(
        "agenda_request_form",
        "Ask for an agenda item",
        "Send",
        [
            ModalInput("from_board", "From board", "select", options, initial=mine),
            ModalInput("to_board", "To board", "select", options),
            ModalInput("text", "The item", "long_text", hint="What and why; never case details."),
        ],
        intro="The board asked sees the request in its channel and accepts or declines it.",
    )
    return Reply(Message("Ask another board for an agenda item"), modal=modal)


def request_form_view(inv: Invocation, values: dict[str, str], private_metadata: str) -> Reply:
    with field_error("from_board"):
        asker = board_arg(inv, values.get("from_board", ""))
        require_role(inv, asker, OFFICERS, ASKING)
    with field_error("to_board"):
        asked = board_arg(inv, values.get("to_board", ""))
        check_pair(inv, asker, asked)
    with field_error("text"):
        text = item_text(values.get("text", ""))
    return open_request(inv, asker, asked, text)


def remember_post(session: Session, request_id: int, channel: str, ts: str) -> None:
    """The edge calls this after posting a request, so the answer can update that message."""
    # Where a message sits is bookkeeping, not a change of governance state: no audit entry.
    request = session.get(AgendaRequest, request_id)
    if request is not None:
        request.message_channel, request.message_ts = channel, ts


ACTIONS = {"agenda_accept": on_accept, "agenda_decline": on_decline}
POSTED = {"agenda_request": remember_post}  # the edge reports where the request was posted
VIEWS = {
    "agenda_accept_meeting": accept_meeting_view,
    "agenda_decline_reason": decline_reason_view,
    "agenda_request_form": request_form_view,
}
