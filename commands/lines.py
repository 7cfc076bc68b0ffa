"""What command families show alike: a duty, a meeting, two boards, a record's id, a link typed
in a command, and how long a list may be (one cap and one "N more" line for all)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from commands.reply import Block, Bold, Code, Line, Message, Reply, context
from schedules.calendar import short_date
from schedules.meeting_times import when_label
from schedules.occurrences import OwedDuty
from storage.errors import BoardbotError
from storage.models import Board, Meeting
from storage.status import Standing

LIST_CAP = 20  # rows a list shows before "N more not shown": long enough to act on, short to read
MEETINGS_AHEAD = relativedelta(months=12)  # how far ahead meetings are listed, everywhere
LINK = re.compile(r"^(https?://[^\s<>]+)$")  # a link as the edge passes it on
LINK_LIMIT = 500
T = TypeVar("T")


def capped(rows: Sequence[T], how: str) -> tuple[list[T], list[Block]]:
    """The first LIST_CAP rows, and a line saying how many more there are and how to see them."""
    shown = list(rows[:LIST_CAP])
    return shown, more_line(len(rows) - len(shown), how)


def more_line(hidden: int, how: str) -> list[Block]:
    """'N more not shown; HOW' (or 'N more not shown.'), or nothing when nothing is hidden."""
    said = f"{hidden} more not shown; {how}" if how else f"{hidden} more not shown."
    return [context(said)] if hidden > 0 else []


def by(user_id: str) -> str:
    """Who acted, as a plain token the edge shows as a mention: '@U0123ABCD'."""
    return f"@{user_id}"


def sentence(text: str) -> str:
    """Free text as the end of a sentence: a full stop unless it already ends in one."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def record_id(number: int | None) -> Code:
    return Code(f"#{number}")


def board_pair(from_key: str, to_key: str) -> str:
    """'LRLSCB → HWB'."""
    return f"{from_key.upper()} → {to_key.upper()}"


def pair_of(keys: Mapping[int, str], from_id: int, to_id: int) -> str:
    """Two boards named by id, through a map of their keys ('?' for one not in it)."""
    return board_pair(keys.get(from_id, "?"), keys.get(to_id, "?"))


def duty_line(owed: OwedDuty) -> Line:
    """'#12 Title → HWB · Sep–Nov 2026 · due 30 Nov 2026 (5 working days)'."""
    occ, duty = owed.occurrence, owed.duty
    towards = f" → {', '.join(k.upper() for k in duty.counterparts)}" if duty.counterparts else ""
    when = f"due {short_date(occ.due)}"
    if owed.status == Standing.UPCOMING:
        when = f"opens {short_date(occ.opens)}"
    elif owed.status == Standing.OPEN:
        when += f" ({owed.working_days_left} working days)"
    return (record_id(occ.id), " ", Bold(duty.title), f"{towards} · {occ.label} · {when}")


def meeting_line(meeting: Meeting, board: Board) -> Line:
    """'#3 HWB Wednesday 3 March 2027, 10:00 · Council Chamber'."""
    venue = f" · {meeting.venue}" if meeting.venue else ""
    return (record_id(meeting.id), " ", Bold(board.key.upper()), f" {when_label(meeting)}{venue}")


def is_link(token: str) -> bool:
    return LINK.match(token) is not None


def link_arg(token: str, *, usage: str | None = None) -> str:
    """A web address typed in a command (evidence, minutes), at most LINK_LIMIT characters."""
    match = LINK.match(token)
    if not match:
        raise BoardbotError(f"'{token}' is not a link; write a full https:// address", usage=usage)
    return match.group(1)[:LINK_LIMIT]


def answered_once(summary: Message, posts: list[Message], channel_id: str) -> Reply:
    """One answer: when a post goes to the channel the command came from, that post is the
    public answer there (not posted twice); otherwise the person gets `summary` to themselves
    and the posts go to their channels."""
    here = [post for post in posts if post.channel == channel_id]
    if here:
        answer = here[0]
        rest = [post for post in posts if post is not answer]
        return Reply(Message(answer.text, answer.blocks), ephemeral=False, posts=rest)
    return Reply(summary, posts=posts)
