"""Triggered duties in /duties: `/duties trigger DUTY_ID [NOTE]`, what a person may trigger, and
what marking a duty done opens (for duties triggered `by` it)."""

from __future__ import annotations

from commands.context import Invocation
from commands.lines import record_id
from commands.reply import Block, Bold, Code, Line, Message, Reply, lines
from commands.words import rest_after, short_text
from schedules import calendar
from schedules.calendar import long_date
from schedules.triggers import record, record_completion
from storage.errors import BoardbotError
from storage.models import Duty, DutyOccurrence
from storage.queries.boards import board_by_key
from storage.queries.occurrences import duties_of
from storage.queries.people import holds_any, partners_of
from storage.roles import Role

TRIGGER_USAGE = "Usage: `/duties trigger DUTY_ID [NOTE]`, e.g. `/duties trigger protocol-review`"
NOTE_LIMIT = 300


def triggerable(inv: Invocation, parties: set[str] | None = None) -> list[Duty]:
    """The partnership's triggered duties (of which one of `parties` is owner or counterpart)."""
    found = [d for d in duties_of(inv.partnership_id, session=inv.session) if _triggered(d)]
    if parties is None:
        return found
    return [d for d in found if parties & {*d.owners, *d.counterparts}]


def _triggered(duty: Duty) -> bool:
    return bool(duty.schedule.get("triggered"))


def _within(duty: Duty) -> int:
    return int(duty.schedule["triggered"]["within_working_days"])


def triggerable_block(duties: list[Duty]) -> list[Block]:
    """'Can be triggered': each duty's id, title and how long it allows once triggered."""
    if not duties:
        return []
    rows: list[Line] = [
        (Code(d.key), " ", Bold(d.title), f" · due {_within(d)} working days after a trigger")
        for d in duties
    ]
    title: Line = (Bold("Can be triggered"), " with ", Code("/duties trigger DUTY_ID [NOTE]"))
    return [lines(title, *rows)]


def trigger(inv: Invocation, text: str) -> Reply:
    """`/duties trigger DUTY_ID [NOTE]`: open an occurrence now, prompted as a window opens."""
    words = text.split()
    if len(words) < 2:
        raise BoardbotError("give the id of the duty to trigger", usage=TRIGGER_USAGE)
    duty = _duty(inv, words[1])
    note = short_text(rest_after(text, 2), NOTE_LIMIT)
    _require_party(inv, duty)
    today = calendar.london_date(inv.now)
    row = record(inv.partnership, duty, today, note, session=inv.session)
    after = {"duty": duty.key, "due": row.due.isoformat(), "note": note or None}
    inv.audit("duty.triggered", "duty_occurrence", row.id, after=after)
    sends = calendar.on_or_after(today)
    when = "at the next round" if sends == today else f"on {long_date(sends)}"
    said = f" Note: {note}" if note else ""
    line: Line = (
        record_id(row.id),
        " ",
        Bold(duty.title),
        f" triggered: due {long_date(row.due)} ({_within(duty)} working days); the owners and "
        f"counterparts are prompted {when}.{said}",
    )
    plain = f"#{row.id} {duty.title} triggered: due {long_date(row.due)}.{said}"
    return Reply(Message(plain, [lines(line)]), ephemeral=False)


def _duty(inv: Invocation, token: str) -> Duty:
    duties = {d.key: d for d in triggerable(inv)}
    duty = duties.get(token.lower())
    if duty is not None:
        return duty
    known = ", ".join(duties) or "none in this protocol"
    raise BoardbotError(
        f"'{token}' is not a duty that can be triggered; those that can: {known}",
        usage=TRIGGER_USAGE,
    )


def _require_party(inv: Invocation, duty: Duty) -> None:
    """A role on an owner or counterpart board, or a partner's person, may trigger it."""
    parties = [*duty.owners, *duty.counterparts]
    boards = [board_by_key(inv.partnership_id, key, session=inv.session) for key in parties]
    ids = [board.id for board in boards if board is not None]
    if holds_any(ids, inv.user_id, Role, session=inv.session):
        return
    if set(partners_of(inv.partnership_id, inv.user_id, session=inv.session)) & set(parties):
        return
    names = ", ".join(key.upper() for key in parties)
    raise BoardbotError(f"to trigger “{duty.title}” you need a role on {names}")


def opened_on_done(inv: Invocation, row: DutyOccurrence, duty: Duty) -> Line:
    """Marking `row` done triggers the duties triggered `by` its duty; a line saying so."""
    today = calendar.london_date(inv.now)
    opened = record_completion(inv.partnership, duty, row, today, session=inv.session)
    said: Line = ()
    for other, occ in opened:
        after = {"duty": other.key, "by": duty.key, "due": occ.due.isoformat()}
        inv.audit("duty.triggered", "duty_occurrence", occ.id, after=after)
        said += (" Opens ", record_id(occ.id), f" “{other.title}”, due {long_date(occ.due)}.")
    return said
