"""/duties — what boards owe each other under the protocol.

`/duties [BOARD]` lists owed, due-soon and overdue duties with their ids. In the channel of a
board shared by several partnerships, `/duties` lists what it owes under each, naming them.
`/duties done ID [LINK]` marks one done, with a link to its evidence.
`/duties waive ID REASON` waives one, with the reason (for the audit trail).
`/duties trigger DUTY_ID [NOTE]` opens a triggered duty now (those listed under "Can be triggered").
Example: `/duties lrlscb`, `/duties done 12 https://example.org/minutes.pdf`
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col

from commands.context import Invocation, board_arg, record_arg, require_role
from commands.duty_triggers import opened_on_done, trigger, triggerable, triggerable_block
from commands.lines import LIST_CAP, duty_line, link_arg, more_line
from commands.reply import (
    Block,
    Bold,
    Code,
    Line,
    Link,
    Message,
    Reply,
    context,
    header,
    lines,
)
from commands.words import short_text, split_args
from schedules import calendar
from schedules.calendar import short_date
from schedules.occurrences import OwedDuty, owed_by, partner_keys, settings_of
from schedules.prompts.actions import DONE, SNOOZE, SNOOZE_WORKING_DAYS
from storage.errors import BoardbotError
from storage.models import Board, Duty, DutyOccurrence
from storage.queries.boards import board_by_key, boards_by_channel
from storage.queries.partnerships import partnership_keys
from storage.queries.people import partners_of, roles_on
from storage.roles import WRITERS, Role
from storage.status import OccurrenceStatus, Standing
from storage.upsert import update_one_if

USAGE = (
    "Usage: `/duties [BOARD]`, `/duties done ID [LINK]`, `/duties waive ID REASON`, "
    "`/duties trigger DUTY_ID [NOTE]`"
)
SOON_WORKING_DAYS = 10


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if args and args[0].lower() == "help":
        return Reply.say(__doc__ or USAGE)
    if args and args[0].lower() == "done":
        return mark_done(inv, args[1:])
    if args and args[0].lower() == "waive":
        return waive(inv, args[1:], text)
    if args and args[0].lower() == "trigger":
        return trigger(inv, text)
    if len(args) > 1:
        raise BoardbotError(f"'{text.strip()}' is not a /duties command", usage=USAGE)
    here = boards_by_channel(inv.channel_id, session=inv.session) if not args else []
    if len(here) > 1:  # a shared board's channel: what it owes under each partnership
        return listing(inv, here[0], shared=here)
    if not args:
        return listing(inv, None)
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
        context("Mark one done: `/duties done ID [LINK]`; waive: `/duties waive ID REASON`")
    )
    summary = f"{len(owed)} duties for {who}: " + ", ".join(
        f"{len(items)} {title.lower()}" for title, items in groups if items
    )
    return Reply.say(summary, *blocks)


def named_line(partnership: str | None, line: Line) -> Line:
    """A duty's line, after its partnership's key where the board is shared."""
    return (f"{partnership} · ", *line) if partnership else line


def occurrence_arg(inv: Invocation, token: str) -> tuple[DutyOccurrence, Duty]:
    missing = "there is no duty #{number}; `/duties` lists them"
    row = record_arg(inv, DutyOccurrence, token, "a duty", missing, USAGE)
    duty = inv.session.get(Duty, row.duty_id)
    assert duty is not None
    return row, duty


def require_owner_role(
    inv: Invocation, duty: Duty, doing: str, roles: tuple[Role, ...] = WRITERS
) -> Board | None:
    """One of `roles` (business manager or secretariat) on any owner board may record a duty's
    outcome, or press a prompt's Done or Snooze (whose roles are the same); so may the people
    of an owner that is a partner (Cabinet, the Leader)."""
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


def mark_done(inv: Invocation, args: list[str]) -> Reply:
    if not args or len(args) > 2:
        raise BoardbotError("give the duty's id, and optionally a link", usage=USAGE)
    link = link_arg(args[1], usage=USAGE) if len(args) == 2 else None
    row, duty = occurrence_arg(inv, args[0])
    return complete(inv, row, duty, OccurrenceStatus.DONE, link=link)


def waive(inv: Invocation, args: list[str], text: str) -> Reply:
    if len(args) < 2:
        raise BoardbotError("give the duty's id and the reason it is waived", usage=USAGE)
    row, duty = occurrence_arg(inv, args[0])
    reason = short_text(text.strip().split(None, 2)[2], 300)
    return complete(inv, row, duty, OccurrenceStatus.WAIVED, note=reason)


def complete(
    inv: Invocation,
    row: DutyOccurrence,
    duty: Duty,
    status: OccurrenceStatus,
    *,
    link: str | None = None,
    note: str | None = None,
) -> Reply:
    verb = "mark duties done" if status == OccurrenceStatus.DONE else "waive duties"
    require_owner_role(inv, duty, verb, DONE.roles if status == OccurrenceStatus.DONE else WRITERS)
    if row.status.recorded:
        raise BoardbotError(f"#{row.id} is already {row.status}")
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
        completed_by=inv.user_id,
        completed_at=inv.now,
        next_prompt_at=None,
    )
    if not recorded:
        raise BoardbotError(f"#{row.id} was recorded by someone else a moment ago")
    inv.session.refresh(row)
    after = {"status": status, "evidence_link": link, "note": note}
    inv.audit(f"duty.{status}", "duty_occurrence", row.id, before=before, after=after)
    evidence: Line = (" Evidence: ", Link(link)) if link else ()
    why: Line = (f" Reason: {note}",) if note else ()
    if status == OccurrenceStatus.DONE:
        why += opened_on_done(inv, row, duty)
    summary: Line = (Code(f"#{row.id}"), " ", Bold(duty.title), f" ({row.label}) is {status}.")
    text = f"#{row.id} {duty.title} ({row.label}) is {status}."
    return Reply(Message(text, [lines((*summary, *evidence, *why))]), ephemeral=False)


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
    """The Done and Snooze buttons on prompts carry the occurrence id as their value."""
    row, duty = occurrence_arg(inv, value)
    if action == DONE.id:
        return complete(inv, row, duty, OccurrenceStatus.DONE)
    return snooze(inv, row, duty)


ACTIONS = {DONE.id: on_button, SNOOZE.id: on_button}
