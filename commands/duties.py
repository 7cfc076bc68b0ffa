"""/duties — what boards owe each other under the protocol.

`/duties [BOARD]` lists owed, due-soon and overdue duties with their ids (in a board's channel,
that board's; `/duties all`, the whole partnership's). Duties whose window closed before the
partnership started using boardbot are listed under "Before boardbot", not overdue.
`/duties done ID [LINK] [NOTE]` marks one done, with what shows it: a link to its evidence, a
short note, or both. `/duties done ID` alone opens a form for them (and the meeting it was at).
In the channel of a board shared by several partnerships, `/duties` lists what it owes under
each, naming them.
`/duties waive ID REASON` waives one, with the reason (for the audit trail).
`/duties trigger DUTY_ID [NOTE]` opens a triggered duty now (those listed under "Can be triggered").
An owner board's chair, business manager or secretariat records them.
Example: `/duties lrlscb`, `/duties done 12 https://example.org/minutes.pdf presented 12 Nov`
"""

from __future__ import annotations

from datetime import date

from commands.context import Invocation, board_arg, listed_board
from commands.duty_outcomes import (
    DONE_FORM,
    MAX_NOTE,
    WAIVE_FORM,
    complete,
    done_form,
    done_form_view,
    occurrence_arg,
    require_owner_role,
    waive_form,
    waive_form_view,
)
from commands.duty_triggers import trigger, triggerable, triggerable_block
from commands.lines import LIST_CAP, duty_line, link_arg, more_line
from commands.reply import Block, Bold, Line, Reply, context, header, lines
from commands.words import rest_after, short_text, split_args
from schedules import calendar
from schedules.calendar import short_date
from schedules.occurrences import OwedDuty, owed_by, partner_keys, settings_of
from schedules.prompts.actions import DONE, SNOOZE, SNOOZE_WORKING_DAYS, WAIVE
from storage.errors import BoardbotError
from storage.models import Board, Duty, DutyOccurrence
from storage.queries.boards import boards_by_channel
from storage.queries.partnerships import partnership_keys
from storage.status import OccurrenceStatus, Standing

USAGE = (
    "Usage: `/duties [BOARD]`, `/duties done ID [LINK] [NOTE]`, `/duties waive ID REASON`, "
    "`/duties trigger DUTY_ID [NOTE]`"
)
SOON_WORKING_DAYS = 10


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if args and args[0].lower() == "help":
        return Reply.say(__doc__ or USAGE)
    if args and args[0].lower() == "done":
        return mark_done(inv, args[1:], text)
    if args and args[0].lower() == "waive":
        return waive(inv, args[1:], text)
    if args and args[0].lower() == "trigger":
        return trigger(inv, text)
    if len(args) > 1:
        raise BoardbotError(f"'{text.strip()}' is not a /duties command", usage=USAGE)
    here = boards_by_channel(inv.channel_id, session=inv.session) if not args else []
    if len(here) > 1:  # a shared board's channel: what it owes under each partnership
        return listing(inv, here[0], shared=here)
    if not args or args[0].lower() == "all":
        return listing(inv, listed_board(inv, args, usage=USAGE))
    try:
        board = board_arg(inv, args[0], usage=USAGE)
    except BoardbotError as refused:
        return partner_listing(inv, args[0].lower(), refused)
    return listing(inv, board)


def partner_listing(inv: Invocation, key: str, refused: BoardbotError) -> Reply:
    """What a partner that is not a board owes; else the refusal that no board is called so
    (a board is looked for first, since its key may settle which partnership is meant)."""
    try:
        partners = partner_keys(inv.partnership)
    except BoardbotError:
        raise refused from None
    if key not in partners:
        raise refused
    return listing(inv, None, partner=key)


def owed_by_each(
    inv: Invocation, boards: list[Board], today: date
) -> tuple[list[OwedDuty], dict[int | None, str]]:
    """What a shared board owes under each partnership, closest first, and each occurrence's
    partnership key."""
    keys = dict(partnership_keys(session=inv.session))
    owed: list[OwedDuty] = []
    named: dict[int | None, str] = {}
    for board in boards:
        found = owed_by(board.partnership_id, board.key, today, session=inv.session)
        owed += found
        named |= {o.occurrence.id: keys[board.partnership_id] for o in found}
    return sorted(owed, key=lambda o: (o.occurrence.due, o.occurrence.id or 0)), named


def listing(
    inv: Invocation,
    board: Board | None,
    partner: str | None = None,
    shared: list[Board] | None = None,
) -> Reply:
    """What a board (or a partner that is not a board, or everyone) owes, and can trigger; a
    shared board's, under each of its partnerships."""
    today = calendar.london_date(inv.now)
    key = partner or (board.key if board else None)
    named: dict[int | None, str] = {}
    if shared:
        owed, named = owed_by_each(inv, shared, today)
        who = " / ".join(dict.fromkeys(b.key.upper() for b in shared))
        can: list[Block] = []  # each partnership's: `/duties PARTNERSHIP:KEY`
    else:
        owed = owed_by(inv.partnership_id, key, today, session=inv.session)
        who = key.upper() if key else inv.partnership.name
        can = triggerable_block(triggerable(inv, {key} if key else None))
    if not owed:
        nothing = f"Nothing is owed by {who} now or in the next month."
        return Reply.say(nothing, lines(nothing), *can)
    groups = [
        ("Overdue", [o for o in owed if o.status == Standing.OVERDUE]),
        (
            f"Due within {SOON_WORKING_DAYS} working days",
            [
                o
                for o in owed
                if o.status == Standing.OPEN and o.working_days_left <= SOON_WORKING_DAYS
            ],
        ),
        (
            "Open",
            [
                o
                for o in owed
                if o.status == Standing.OPEN and o.working_days_left > SOON_WORKING_DAYS
            ],
        ),
        ("Opening within a month", [o for o in owed if o.status == Standing.UPCOMING]),
        # Due before the partnership started using boardbot: not overdue, still recordable.
        ("Before boardbot", [o for o in owed if o.status == Standing.BEFORE_BOARDBOT]),
    ]
    blocks: list[Block] = [header(f"Duties: {who}")]
    listed = 0
    for title, items in groups:
        shown = items[: max(0, LIST_CAP - listed)]
        if shown:
            shown_lines = [named_line(named.get(o.occurrence.id), duty_line(o)) for o in shown]
            blocks.append(lines((Bold(title),), *shown_lines))
            listed += len(shown)
    blocks += more_line(len(owed) - listed, "name a board to narrow it.")
    blocks += can
    blocks.append(
        context("Mark one done: `/duties done ID [LINK] [NOTE]`; waive: `/duties waive ID REASON`")
    )
    summary = f"{len(owed)} duties for {who}: " + ", ".join(
        f"{len(items)} {title.lower()}" for title, items in groups if items
    )
    return Reply.say(summary, *blocks)


def mark_done(inv: Invocation, args: list[str], text: str) -> Reply:
    """`done ID [LINK] [NOTE]`; with neither link nor note, the Done form."""
    if not args:
        raise BoardbotError("give the duty's id, and a link to its evidence or a note", usage=USAGE)
    row, duty = occurrence_arg(inv, args[0], USAGE)
    first = args[1] if len(args) > 1 else ""
    # Anything that looks like an address is a full link or a refusal saying how to write one.
    link = link_arg(first, usage=USAGE) if looks_like_link(first) else None
    note = short_text(rest_after(text, 3 if link else 2), MAX_NOTE) or None
    if link is None and note is None:
        return form_or_usage(inv, done_form(inv, row, duty))
    return complete(inv, row, duty, OccurrenceStatus.DONE, link=link, note=note)


def named_line(partnership: str | None, line: Line) -> Line:
    """A duty's line, after its partnership's key where the board is shared."""
    return (f"{partnership} · ", *line) if partnership else line


def looks_like_link(token: str) -> bool:
    return "://" in token or token.lower().startswith("www.")


def waive(inv: Invocation, args: list[str], text: str) -> Reply:
    """`waive ID REASON`; with no reason, the Waive form."""
    if not args:
        raise BoardbotError("give the duty's id and the reason it is waived", usage=USAGE)
    row, duty = occurrence_arg(inv, args[0], USAGE)
    reason = short_text(rest_after(text, 2), MAX_NOTE)
    if not reason:
        return form_or_usage(inv, waive_form(inv, row, duty), "the reason it is waived")
    return complete(inv, row, duty, OccurrenceStatus.WAIVED, note=reason)


def form_or_usage(inv: Invocation, form: Reply, wanted: str = "a link or a note") -> Reply:
    """A form when Slack gave a trigger to open one; otherwise a refusal with the usage."""
    if inv.trigger_id:
        return form
    raise BoardbotError(f"give the duty's id and {wanted}", usage=USAGE)


def snooze(inv: Invocation, row: DutyOccurrence, duty: Duty) -> Reply:
    require_owner_role(inv, duty, "snooze duty prompts", SNOOZE.roles)
    if row.status != OccurrenceStatus.PENDING:
        raise BoardbotError(f"#{row.id} is already {row.status}; there is nothing to snooze")
    until = calendar.add_working_days(calendar.london_date(inv.now), SNOOZE_WORKING_DAYS)
    row.snoozed_until = until
    # The clock looks again on the day the snooze ends.
    row.next_prompt_at = calendar.at_local_time(until, settings_of(inv.partnership).send_clock)
    inv.audit("duty.snoozed", "duty_occurrence", row.id, after={"snoozed_until": until.isoformat()})
    return Reply.say(
        f"#{row.id} {duty.title}: snoozed; the next reminder comes on {short_date(until)}."
    )


def on_button(inv: Invocation, action: str, value: str) -> Reply:
    """The Done, Waive and Snooze buttons on prompts carry the occurrence id as their value:
    Done and Waive open their forms."""
    row, duty = occurrence_arg(inv, value)
    if action == DONE.id:
        return done_form(inv, row, duty)
    if action == WAIVE.id:
        return waive_form(inv, row, duty)
    return snooze(inv, row, duty)


ACTIONS = {DONE.id: on_button, SNOOZE.id: on_button, WAIVE.id: on_button}
VIEWS = {DONE_FORM: done_form_view, WAIVE_FORM: waive_form_view}
