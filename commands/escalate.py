"""/escalate — a concern between boards, climbing the protocol's mutual-challenge ladder.

`/escalate open FROM TO TEXT` raises FROM's concern with TO at the ladder's first stage.
`/escalate advance ID [NOTE]` moves it to the next stage, with a new deadline.
`/escalate resolve ID OUTCOME` records how it was resolved.
`/escalate list [BOARD]` lists open escalations and those resolved in the last 90 days.
`/escalate show ID` shows its stage history.
Example: `/escalate open lrlscb hwb JSNA refresh omits the children's safeguarding priorities`
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from commands.context import Invocation, board_arg, record_arg, require_role
from commands.dates import london_label
from commands.lines import board_pair, capped, pair_of, record_id
from commands.reply import Bold, Line, Mention, Message, Reply, context, header, lines
from commands.words import rest_after, short_text, split_args
from schedules import calendar, ladders
from schedules.calendar import short_date
from schedules.prompts.actions import ADVANCE
from storage.errors import BoardbotError
from storage.models import Board, Escalation, EscalationStep, Ladder
from storage.queries.boards import keys_by_id
from storage.queries.escalations import (
    ladders_by_id,
    open_or_resolved_since,
    stage_starts,
    steps_of,
)
from storage.queries.people import roles_on
from storage.roles import OFFICERS, Role, either
from storage.status import EscalationStatus, StepAction

USAGE = (
    "Usage: `/escalate open FROM TO TEXT`, `/escalate advance ID [NOTE]`, "
    "`/escalate resolve ID OUTCOME`, `/escalate list [BOARD]`, `/escalate show ID`"
)
TEXT_LIMIT = 300
RECENT = timedelta(days=90)  # resolved escalations stay listed this long
AUDITED = {"from_board_id", "to_board_id", "text", "stage", "stage_deadline", "status", "outcome"}


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    verb = args[0].lower() if args else "help"
    if verb == "help" and len(args) <= 1:
        return Reply.say(__doc__ or USAGE)
    if verb == "open":
        return open_escalation(inv, args[1:], text)
    if verb == "advance" and len(args) >= 2:
        return advance(inv, escalation_arg(inv, args[1]), rest_after(text, 2))
    if verb == "resolve" and len(args) >= 3:
        return resolve(inv, escalation_arg(inv, args[1]), rest_after(text, 2))
    if verb == "list" and len(args) <= 2:
        return listing(inv, board_arg(inv, args[1], usage=USAGE) if len(args) == 2 else None)
    if verb == "show" and len(args) == 2:
        return show(inv, escalation_arg(inv, args[1]))
    if verb in ("advance", "resolve", "show"):
        needs = "the escalation's id" + (" and the outcome" if verb == "resolve" else "")
        raise BoardbotError(f"to {verb} an escalation, give {needs}", usage=USAGE)
    raise BoardbotError(f"'{text.strip()}' is not an /escalate command", usage=USAGE)


def open_escalation(inv: Invocation, args: list[str], text: str) -> Reply:
    if len(args) < 3:
        raise BoardbotError(
            "give the board raising it, the board it is for, and the concern", usage=USAGE
        )
    source, target = board_arg(inv, args[0], usage=USAGE), board_arg(inv, args[1], usage=USAGE)
    if source.id == target.id:
        raise BoardbotError(f"{source.key.upper()} cannot escalate a concern to itself")
    require_role(inv, source, OFFICERS, f"escalate a concern from {source.key.upper()}")
    concern = short_text(rest_after(text, 3), TEXT_LIMIT)
    ladder = ladders.ladder_for_new(
        inv.partnership_id, session=inv.session, now=inv.now, actor=inv.user_id
    )
    assert source.id is not None and target.id is not None and ladder.id is not None
    row = Escalation(
        partnership_id=inv.partnership_id,
        ladder_id=ladder.id,
        from_board_id=source.id,
        to_board_id=target.id,
        text=concern,
        stage_deadline=ladders.deadline(ladder, 1, calendar.london_date(inv.now)),
        opened_by=inv.user_id,
        opened_at=inv.now,
    )
    inv.session.add(row)
    inv.session.flush()
    record_step(inv, row, StepAction.OPENED, None, {})
    where = ladders.stage_text(row, ladder) + ladders.default_said(ladder, inv.partnership.protocol)
    for_target = f"{source.key.upper()} has raised a concern with {target.key.upper()}"
    notices = posts(
        (target, f"{for_target} (escalation #{row.id}): {concern}. {where}"),
        (source, f"Escalation #{row.id} raised with {target.key.upper()}: {concern}. {where}"),
    )
    summary = f"Escalation #{row.id} opened with {target.key.upper()}. {where}"
    return Reply(Message(summary, [lines(summary)]), posts=notices)


def advance(inv: Invocation, row: Escalation, note_text: str) -> Reply:
    source, target = require_party(inv, row, "advance an escalation", ADVANCE.roles)
    ladder = ladders.ladder_of(row, session=inv.session)
    if row.stage >= len(ladder.stages):
        name = ladders.stage_of(ladder, len(ladder.stages)).name
        raise BoardbotError(
            f"#{row.id} is already at the final stage ({name}); "
            f"resolve it with /escalate resolve {row.id} OUTCOME"
        )
    note = short_text(note_text, TEXT_LIMIT) or None
    before = snapshot(row)
    row.stage += 1
    row.stage_deadline = ladders.deadline(ladder, row.stage, calendar.london_date(inv.now))
    record_step(inv, row, StepAction.ADVANCED, note, before)
    why = f" Note: {note}" if note else ""
    summary = (
        f"Escalation #{row.id} ({pair(source, target)}) advanced. {ladders.stage_text(row, ladder)}"
    )
    notices = posts((target, summary + why), (source, summary + why))
    return Reply(Message(summary, [lines(summary + why)]), posts=notices)


def resolve(inv: Invocation, row: Escalation, outcome_text: str) -> Reply:
    source, target = require_party(inv, row, "resolve an escalation")
    outcome = short_text(outcome_text, TEXT_LIMIT)
    before = snapshot(row)
    row.status, row.outcome, row.resolved_at = EscalationStatus.RESOLVED, outcome, inv.now
    record_step(inv, row, StepAction.RESOLVED, outcome, before)
    summary = f"Escalation #{row.id} ({pair(source, target)}) is resolved: {outcome}"
    return Reply(
        Message(summary, [lines(summary)]), posts=posts((target, summary), (source, summary))
    )


def listing(inv: Invocation, board: Board | None) -> Reply:
    since, board_id = inv.now - RECENT, board.id if board else None
    rows = open_or_resolved_since(inv.partnership_id, board_id, since, session=inv.session)
    who = board.key.upper() if board else inv.partnership.name
    if not rows:
        return Reply.say(f"No escalations are open for {who}, and none was resolved in 90 days.")
    keys, today = board_keys(inv), calendar.london_date(inv.now)
    shown, more = capped(rows, "name a board to narrow it.")
    # Two reads for the whole list, not two per line: stage starts and the ladders.
    starts = stage_starts([r.id for r in shown if r.id is not None], session=inv.session)
    at = Standing(keys, today, starts, ladders_by_id(inv.partnership_id, session=inv.session))
    blocks = [header(f"Escalations: {who}"), lines(*[escalation_line(r, at) for r in shown])]
    blocks += more
    blocks.append(context("Open, then resolved in the last 90 days. Details: `/escalate show ID`"))
    still_open = sum(row.status == EscalationStatus.OPEN for row in rows)
    plural = "" if still_open == 1 else "s"
    return Reply.say(f"{still_open} open escalation{plural} for {who}", *blocks)


@dataclass(frozen=True)
class Standing:
    """What a list's lines share: board keys, today, each escalation's stage start, the ladders."""

    keys: dict[int, str]
    today: date
    starts: dict[int, datetime]
    ladders: dict[int, Ladder]


def escalation_line(row: Escalation, at: Standing) -> Line:
    boards = Bold(pair_of(at.keys, row.from_board_id, row.to_board_id))
    if row.status == EscalationStatus.RESOLVED:
        when = short_date(calendar.london_date(row.resolved_at or row.opened_at))
        return (record_id(row.id), " ", boards, f" {row.text} · resolved {when}: {row.outcome}")
    started = at.starts.get(row.id or 0, row.opened_at)
    waiting = calendar.working_days_between(calendar.london_date(started), at.today)
    days = f"{waiting} working day{'' if waiting == 1 else 's'} waiting"
    late = "past its deadline of" if row.stage_deadline < at.today else "respond by"
    stage = ladders.stage_label(row, at.ladders[row.ladder_id])
    about = f" {row.text} · stage {stage} · {days} · {late} {short_date(row.stage_deadline)}"
    return (record_id(row.id), " ", boards, about)


def show(inv: Invocation, row: Escalation) -> Reply:
    keys, ladder = board_keys(inv), ladders.ladder_of(row, session=inv.session)
    assert row.id is not None
    history: list[Line] = [
        (
            f"{london_label(step.at)} · ",
            Mention(step.by),
            f" · {step.action} · stage {step.stage}/{len(ladder.stages)} {step.stage_name}",
            f" · {step.note}" if step.note else "",
        )
        for step in steps_of([row.id], session=inv.session)
    ]
    if row.status == EscalationStatus.RESOLVED:
        state = f"resolved: {row.outcome}"
    else:
        stage, by = ladders.stage_label(row, ladder), short_date(row.stage_deadline)
        state = f"open at stage {stage}, respond by {by}"
    title = f"Escalation #{row.id}: {pair_of(keys, row.from_board_id, row.to_board_id)}"
    body = lines(row.text, f"{ladder.name}: {state}")
    return Reply.say(f"{title}, {state}", header(title), body, lines((Bold("History"),), *history))


def record_step(
    inv: Invocation, row: Escalation, action: StepAction, note: str | None, before: Any
) -> None:
    """One line of the stage history, and its audit entry."""
    assert row.id is not None
    deadline = None if action == StepAction.RESOLVED else row.stage_deadline
    name = ladders.stage_of(ladders.ladder_of(row, session=inv.session), row.stage).name
    step = EscalationStep(
        escalation_id=row.id,
        stage=row.stage,
        stage_name=name,
        action=action,
        note=note,
        deadline=deadline,
        by=inv.user_id,
        at=inv.now,
    )
    inv.session.add(step)
    inv.audit(
        f"escalation.{action}",
        "escalation",
        row.id,
        before=before,
        after=snapshot(row) | {"note": note},
    )


def snapshot(row: Escalation) -> dict[str, Any]:
    """What the audit trail keeps of an escalation: enough to answer an inspector on its own."""
    return row.model_dump(mode="json", include=AUDITED)


def escalation_arg(inv: Invocation, token: str) -> Escalation:
    missing = "there is no escalation #{number}; see `/escalate list`"
    return record_arg(inv, Escalation, token, "an escalation", missing, USAGE)


def require_party(
    inv: Invocation, row: Escalation, doing: str, roles: tuple[Role, ...] = OFFICERS
) -> tuple[Board, Board]:
    """The chair, business manager or secretariat of either board may move an escalation on
    (the Advance button's roles are the same)."""
    source, target = (inv.session.get(Board, i) for i in (row.from_board_id, row.to_board_id))
    assert source is not None and target is not None
    held = set()
    for board in (source, target):
        held |= roles_on(board.id or 0, inv.user_id, session=inv.session)
    if not held & set(roles):
        needed = either(roles)
        raise BoardbotError(
            f"to {doing} you need to be {source.key.upper()}'s or {target.key.upper()}'s {needed}"
        )
    if row.status == EscalationStatus.RESOLVED:
        raise BoardbotError(f"#{row.id} is already resolved: {row.outcome}")
    return source, target


def board_keys(inv: Invocation) -> dict[int, str]:
    return keys_by_id(inv.partnership_id, session=inv.session)


def pair(source: Board, target: Board) -> str:
    return board_pair(source.key, target.key)


def posts(*notices: tuple[Board, str]) -> list[Message]:
    """Messages for the boards' channels; a board with no channel linked is not told."""
    return [
        Message(text, [lines(text)], channel=b.channel_id) for b, text in notices if b.channel_id
    ]


def on_advance_button(inv: Invocation, action_id: str, value: str) -> Reply:
    """The Advance button on a past-deadline nudge carries the escalation id as its value."""
    return advance(inv, escalation_arg(inv, value), "")


ACTIONS = {ADVANCE.id: on_advance_button}
