"""/meetings — the boards' meeting dates, which time the prompts about papers and minutes.

`/meetings [BOARD]` lists the meetings in the next 12 months, with their ids (in a board's
channel, that board's; `/meetings all`, every board's).
`/meetings add BOARD WHEN [; VENUE]` adds one; `/meetings move ID WHEN` moves one;
`/meetings cancel ID` cancels one.
WHEN is London time, day first (03/04 is 3 April), and needs a time: `tomorrow at 10:00`,
`Tuesday 2pm`, `15 Sep 2pm`, `3 March 2027 14:30`, `last Thursday of January at 10:00`.
Example: `/meetings add hwb 3 March at 10:00; Council Chamber`, `/meetings move 12 4 March 14:00`

Calendars: `/meetings subscribe BOARD URL [--match TEXT]` follows the board's calendar feed (an
iCalendar address from the council's committee system, Outlook or Google): its meetings are
added now and kept in step every hour, moves and cancellations told in the board's channel.
`--match` keeps only events whose title contains TEXT, for a feed of many committees.
`/meetings unsubscribe BOARD` stops following it. `/meetings feed [BOARD]` sends you, in a
direct message, the address of the board's (or the whole partnership's) meetings and deadlines
as a calendar to subscribe to.
Example: `/meetings subscribe hwb https://example.gov.uk/calendar.ics --match Health and Well-Being`
"""

from __future__ import annotations

from datetime import datetime

from commands.context import (
    Invocation,
    board_or_here,
    channel_board,
    listed_board,
    record_arg,
    require_role,
)
from commands.dates import meeting_time
from commands.lines import MEETINGS_AHEAD, by, capped, meeting_line
from commands.meeting_feeds import FEED_VERBS
from commands.reply import Message, Reply, context, header, lines
from commands.words import rest_after, short_text, split_args
from schedules.meeting_times import when_label
from storage.errors import BoardbotError
from storage.models import Board, Meeting
from storage.queries.boards import boards_of
from storage.queries.meetings import at, upcoming
from storage.roles import WRITERS
from storage.status import MeetingStatus

USAGE = (
    "Usage: `/meetings [BOARD]`, `/meetings add BOARD WHEN [; VENUE]`, "
    "`/meetings move ID WHEN`, `/meetings cancel ID`, "
    "`/meetings subscribe BOARD URL [--match TEXT]`, `/meetings unsubscribe BOARD`, "
    "`/meetings feed [BOARD]`"
)
VENUE_LIMIT = 200


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    verb = args[0].lower() if args else ""
    if verb == "help" and len(args) == 1:
        return Reply.say(__doc__ or USAGE)
    if verb == "add":
        return add(inv, text.strip().split(None, 1)[1] if len(args) > 1 else "")
    if verb == "move" and len(args) >= 3:
        return move(inv, meeting_arg(inv, args[1]), text.strip().split(None, 2)[2])
    if verb == "cancel" and len(args) == 2:
        return cancel(inv, meeting_arg(inv, args[1]))
    if verb in FEED_VERBS:
        return FEED_VERBS[verb](inv, rest_after(text, 1))
    if verb in ("move", "cancel"):
        needs = "the meeting's id and when it now is" if verb == "move" else "the meeting's id"
        raise BoardbotError(f"to {verb} a meeting, give {needs}", usage=USAGE)
    if len(args) > 1:
        raise BoardbotError(f"'{text.strip()}' is not a /meetings command", usage=USAGE)
    return listing(inv, listed_board(inv, args, usage=USAGE))


def listing(inv: Invocation, board: Board | None) -> Reply:
    boards = {b.id: b for b in boards_of(inv.partnership_id, session=inv.session, retired=True)}
    which = [board.id] if board else list(boards)
    until = inv.now + MEETINGS_AHEAD
    meetings = upcoming(which, inv.now, until=until, session=inv.session)
    who = board.key.upper() if board else inv.partnership.name
    if not meetings:
        return Reply.say(
            f"No meetings of {who} are set for the next 12 months. "
            "Add one: `/meetings add BOARD WHEN`"
        )
    shown, more = capped(meetings, "name a board to narrow it." if board is None else "")
    blocks = [
        header(f"Meetings: {who}"),
        lines(*[meeting_line(m, boards[m.board_id]) for m in shown]),
    ]
    blocks += more
    blocks.append(
        context("London time. Move one: `/meetings move ID WHEN`; cancel: `/meetings cancel ID`")
    )
    count = f"{len(meetings)} meeting{'' if len(meetings) == 1 else 's'}"
    return Reply.say(f"{count} of {who} in the next 12 months", *blocks)


def add(inv: Invocation, rest: str) -> Reply:
    words, _, venue_text = rest.partition(";")
    parts = words.split(None, 1)
    named = board_or_here(inv, parts[0], usage=USAGE) if parts else None
    if named is None and parts:  # in a board's channel, without a board: that board
        named, parts = channel_board(inv), ["", words]
    if len(parts) < 2 or named is None:
        raise BoardbotError("give the board and when it meets", usage=USAGE)
    board = named
    require_role(inv, board, WRITERS, f"add {board.key.upper()}'s meetings")
    starts_at = meeting_time(parts[1], inv.now)
    venue = short_text(venue_text, VENUE_LIMIT)
    refuse_a_second_meeting_at(inv, board, starts_at)
    assert board.id is not None
    meeting = Meeting(
        board_id=board.id,
        starts_at=starts_at,
        venue=venue,
        created_by=inv.user_id,
        changed_at=inv.now,
    )
    inv.session.add(meeting)
    inv.session.flush()
    after = {"board": board.key, "starts_at": starts_at.isoformat(), "venue": venue}
    inv.audit("meeting.added", "meeting", meeting.id, after=after)
    return announce(meeting, board, f"{board.key.upper()} meeting #{meeting.id} added", inv)


def move(inv: Invocation, meeting: Meeting, when_text: str) -> Reply:
    board = changeable(inv, meeting, "move")
    starts_at = meeting_time(when_text, inv.now)
    refuse_a_second_meeting_at(inv, board, starts_at, moving=meeting)
    before = {"starts_at": meeting.starts_at.isoformat()}
    meeting.starts_at, meeting.all_day = starts_at, False
    changed_by_hand(inv, meeting)
    inv.audit(
        "meeting.moved",
        "meeting",
        meeting.id,
        before=before,
        after={"starts_at": starts_at.isoformat()},
    )
    return announce(meeting, board, f"{board.key.upper()} meeting #{meeting.id} moved", inv)


def cancel(inv: Invocation, meeting: Meeting) -> Reply:
    board = changeable(inv, meeting, "cancel")
    meeting.status = MeetingStatus.CANCELLED
    changed_by_hand(inv, meeting)
    inv.audit(
        "meeting.cancelled",
        "meeting",
        meeting.id,
        before={"status": MeetingStatus.SCHEDULED},
        after={"status": MeetingStatus.CANCELLED},
    )
    return announce(meeting, board, f"{board.key.upper()} meeting #{meeting.id} cancelled", inv)


def changed_by_hand(inv: Invocation, meeting: Meeting) -> None:
    """A change by hand wins: a later import of the meeting's feed leaves it alone."""
    meeting.origin, meeting.sequence, meeting.changed_at = "hand", meeting.sequence + 1, inv.now


def announce(meeting: Meeting, board: Board, summary: str, inv: Invocation) -> Reply:
    """'HWB meeting #12 added by @U…: Tuesday 15 September 2026, 14:00, Council Chamber.'"""
    venue = f", {meeting.venue}" if meeting.venue else ""
    text = f"{summary} by {by(inv.user_id)}: {when_label(meeting)}{venue}."
    return Reply(Message(text, [lines(text)]), ephemeral=False)


def changeable(inv: Invocation, meeting: Meeting, verb: str) -> Board:
    """A scheduled meeting still to come, and the board whose business manager may change it."""
    board = inv.session.get(Board, meeting.board_id)
    assert board is not None
    require_role(inv, board, WRITERS, f"{verb} {board.key.upper()}'s meetings")
    if meeting.status == MeetingStatus.CANCELLED:
        raise BoardbotError(f"#{meeting.id} is already cancelled; add a new meeting instead")
    if meeting.starts_at <= inv.now:
        # Duties that follow a meeting (minutes, actions) are already counted from this one.
        raise BoardbotError(f"#{meeting.id} has already taken place ({when_label(meeting)})")
    return board


def refuse_a_second_meeting_at(
    inv: Invocation, board: Board, starts_at: datetime, moving: Meeting | None = None
) -> None:
    other_than = moving.id if moving is not None else None
    same = at(board.id, starts_at, other_than=other_than, session=inv.session)
    if same is not None:
        raise BoardbotError(f"{board.key.upper()} already meets then (#{same.id})")


def meeting_arg(inv: Invocation, token: str) -> Meeting:
    missing = "there is no meeting #{number}; `/meetings` lists them"
    return record_arg(inv, Meeting, token, "a meeting", missing, USAGE)
