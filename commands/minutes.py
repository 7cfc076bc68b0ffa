"""/minutes — log that a board's minutes were shared with its counterpart boards.

`/minutes BOARD DATE [LINK]` logs the minutes of BOARD's meeting on DATE as shared.
DATE is day first: `2026-03-03`, `3 March 2026`, `3 Mar`, `03/03/2026`, `today` or `yesterday`,
and within the last ten years.
`/minutes list [BOARD]` lists the most recent shares, newest first.
Example: `/minutes hwb 3 March 2026 https://example.org/minutes.pdf`
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from commands.context import Invocation, board_arg, require_role
from commands.dates import meeting_day
from commands.lines import capped, is_link, link_arg, record_id
from commands.reply import Bold, Line, Link, Mention, Message, Reply, context, lines
from commands.words import split_args
from schedules import calendar
from schedules.calendar import short_date
from schedules.cycle import after_meeting
from schedules.occurrences import make_after_meeting
from schedules.prompts.audience import hosts_of
from schedules.triggers import record_completion
from storage.errors import BoardbotError
from storage.models import Board, Duty, DutyOccurrence, Meeting, MinuteShare
from storage.queries.boards import boards_of, keys_by_id
from storage.queries.meetings import first_between, latest_shares, share_of_day
from storage.queries.occurrences import duties_of, pending_of_period
from storage.queries.people import memberships_of, partners_of
from storage.roles import WRITERS
from storage.status import OccurrenceStatus

USAGE = "Usage: `/minutes BOARD DATE [LINK]`, `/minutes list [BOARD]`"


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if args and args[0].lower() == "help":
        return Reply.say(__doc__ or USAGE)
    if args and args[0].lower() == "list":
        if len(args) > 2:
            raise BoardbotError(f"'{text.strip()}' is not a /minutes command", usage=USAGE)
        return listing(inv, board_arg(inv, args[1], usage=USAGE) if len(args) == 2 else None)
    if len(args) < 2:
        raise BoardbotError("give the board and the date of its meeting", usage=USAGE)
    board = board_arg(inv, args[0], usage=USAGE)
    words = args[1:]
    link = link_arg(words.pop(), usage=USAGE) if is_link(words[-1]) else None
    if not words:
        raise BoardbotError("give the date of the meeting", usage=USAGE)
    day = meeting_day(" ".join(words), calendar.london_date(inv.now), usage=USAGE)
    return log_share(inv, board, day, link)


def minute_duties(inv: Invocation, board: Board) -> list[Duty]:
    """The active duties to share minutes after the meetings of `board`."""
    return [
        duty
        for duty in duties_of(inv.partnership_id, session=inv.session)
        if board.key in duty.schedule.get("after_meetings", {}).get("of", [])
    ]


def guest_shares(inv: Invocation, board: Board) -> bool:
    """Whether the person is a guest at `board`'s meetings for a board (or partner) that the
    protocol says shares its minutes: then they may log them."""
    roles = [
        (held.key, str(role))
        for held, role in memberships_of(inv.user_id, session=inv.session)
        if held.partnership_id == inv.partnership_id
    ]
    partners = partners_of(inv.partnership_id, inv.user_id, session=inv.session)
    guests = hosts_of(inv.partnership.protocol, roles, partners).get(board.key, [])
    sharers = {key for duty in minute_duties(inv, board) for key in duty.owners}
    return any({guest.board, guest.partner} & sharers for guest in guests)


def counterparts_of(inv: Invocation, board: Board, duties: list[Duty]) -> list[Board]:
    """The protocol's counterparts for these minutes, else every other board."""
    others = [b for b in boards_of(inv.partnership_id, session=inv.session) if b.id != board.id]
    named = {key for duty in duties for key in duty.counterparts}
    return [b for b in others if b.key in named] or others


def meeting_on(board: Board, day: date, inv: Invocation) -> Meeting | None:
    start = calendar.at_local_time(day, time(0))
    end = calendar.at_local_time(day + timedelta(days=1), time(0))
    return first_between(board.id, start, end, session=inv.session)


def log_share(inv: Invocation, board: Board, day: date, link: str | None) -> Reply:
    if not guest_shares(inv, board):
        require_role(inv, board, WRITERS, "log minutes")
    earlier = share_of_day(board.id, day, session=inv.session)
    if earlier is not None:
        logged = short_date(calendar.london_date(earlier.logged_at))
        raise BoardbotError(
            f"{board.key.upper()}'s minutes of {short_date(day)} were already logged on {logged}"
        )
    duties = minute_duties(inv, board)
    counterparts = counterparts_of(inv, board, duties)
    meeting = meeting_on(board, day, inv)
    assert board.id is not None
    share = MinuteShare(
        board_id=board.id,
        meeting_on=day,
        meeting_id=meeting.id if meeting else None,
        link=link,
        shared_with=[b.key for b in counterparts],
        logged_by=inv.user_id,
        logged_at=inv.now,
    )
    inv.session.add(share)
    try:
        inv.session.flush()
    except IntegrityError:  # logged by someone else a moment ago, in another request
        raise BoardbotError(
            f"{board.key.upper()}'s minutes of {short_date(day)} were logged a moment ago"
        ) from None
    inv.audit("minutes.shared", "minute_share", share.id, after=share_fields(share))
    done = complete_duties(inv, duties, meeting, share) if meeting else []
    return share_reply(board, share, counterparts, done)


def share_fields(share: MinuteShare) -> dict[str, Any]:
    return {
        "board_id": share.board_id,
        "meeting_on": share.meeting_on.isoformat(),
        "meeting_id": share.meeting_id,
        "link": share.link,
        "shared_with": share.shared_with,
    }


def complete_duties(
    inv: Invocation, duties: list[Duty], meeting: Meeting, share: MinuteShare
) -> list[DutyOccurrence]:
    """Mark done the occurrences owed after this meeting, with the share as evidence."""
    make_after_meeting(inv.partnership, meeting, inv.now, session=inv.session)
    period = after_meeting(str(meeting.id))
    done = pending_of_period([d.id for d in duties], period, session=inv.session)
    for row in done:
        before = {"status": row.status}
        row.status, row.evidence_link, row.note = (
            OccurrenceStatus.DONE,
            share.link,
            f"minutes share #{share.id}",
        )
        row.completed_by, row.completed_at, row.next_prompt_at = inv.user_id, inv.now, None
        after = {"status": OccurrenceStatus.DONE, "evidence_link": share.link, "note": row.note}
        inv.audit("duty.done", "duty_occurrence", row.id, before=before, after=after)
        duty = next(d for d in duties if d.id == row.duty_id)
        today = calendar.london_date(inv.now)
        for opened, occ in record_completion(
            inv.partnership, duty, row, today, session=inv.session
        ):
            inv.audit("duty.triggered", "duty_occurrence", occ.id, after={"duty": opened.key})
    return done


def share_reply(
    board: Board, share: MinuteShare, counterparts: list[Board], done: list[DutyOccurrence]
) -> Reply:
    key, held = board.key.upper(), short_date(share.meeting_on)
    names = ", ".join(b.key.upper() for b in counterparts) or "no other board"
    evidence: Line = (" ", Link(share.link, "Minutes")) if share.link else ()
    shared = f"'s minutes of its meeting on {held} are logged as shared with {names}."
    blocks = [lines((Bold(key), shared, *evidence))]
    blocks += [context(f"Duty #{row.id} ({row.label}) is done.") for row in done]
    unlinked = [b.key.upper() for b in counterparts if not b.channel_id]
    if unlinked:
        blocks.append(
            context(f"Not posted to {', '.join(unlinked)}: no channel; `/boards link` sets one.")
        )
    posts = [
        Message(
            f"{key}'s minutes of its meeting on {held} are available.",
            [lines((Bold(key), f"'s minutes of its meeting on {held} are available.", *evidence))],
            channel=b.channel_id,
        )
        for b in counterparts
        if b.channel_id
    ]
    return Reply(Message(key + shared, blocks), ephemeral=False, posts=posts)


def listing(inv: Invocation, board: Board | None) -> Reply:
    board_id = board.id if board else None
    shares = latest_shares(inv.partnership_id, board_id, session=inv.session)
    keys = keys_by_id(inv.partnership_id, session=inv.session)
    who = board.key.upper() if board else inv.partnership.name
    if not shares:
        return Reply.say(f"No minutes are logged as shared for {who} yet.")
    shown, more = capped(shares, "name a board to narrow it.")
    rows = [share_line(share, keys[share.board_id]) for share in shown]
    return Reply.say(
        f"The {len(shown)} most recent minutes shares for {who}",
        lines((Bold(f"Minutes shared: {who}"),), *rows),
        *more,
    )


def share_line(share: MinuteShare, board: str) -> Line:
    towards = ", ".join(k.upper() for k in share.shared_with) or "no other board"
    logged = short_date(calendar.london_date(share.logged_at))
    evidence: Line = (" · ", Link(share.link, "minutes")) if share.link else ()
    return (
        record_id(share.id),
        " ",
        Bold(board.upper()),
        f" meeting {short_date(share.meeting_on)} → {towards} · logged {logged} by ",
        Mention(share.logged_by),
        *evidence,
    )
