"""/audit — who changed the record, what and when: the latest entries of the audit trail.

`/audit` shows the partnership's latest 20 audit entries, newest first; `/audit BOARD` the latest
20 about BOARD (its duties, meetings, minutes, requests, escalations and people).
Business managers and secretariat see it, to themselves alone. The whole trail is in the
evidence pack's appendix (`/evidence`) and `boardbot audit`.
Example: `/audit`, `/audit hwb`
"""

from __future__ import annotations

from commands.context import Invocation, board_arg, require_role
from commands.lines import LIST_CAP, more_line
from commands.reply import Code, Line, Mention, Reply, context, header, lines
from commands.words import split_args
from schedules.evidence.audit_trail import AuditLine, about_board, audit_lines
from storage.errors import BoardbotError
from storage.models import Board
from storage.queries.occurrences import duties_of, ids_of_duties
from storage.queries.people import memberships_of
from storage.roles import WRITERS, either

USAGE = "Usage: `/audit [BOARD]`"
READING = "read the audit trail"


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if args and args[0].lower() == "help":
        return Reply.say(__doc__ or USAGE)
    if len(args) > 1:
        raise BoardbotError(f"'{text.strip()}' is not an /audit command", usage=USAGE)
    board = board_arg(inv, args[0], usage=USAGE) if args else None
    require_reader(inv, board)
    found = audit_lines(inv.partnership_id, None, None, session=inv.session)
    if board is not None:
        found = about_board(found, board.key, occurrences_of(inv, board))
    who = board.key.upper() if board else inv.partnership.name
    if not found:
        return Reply.say(f"No audit entries for {who} yet.")
    newest = list(reversed(found))
    shown = newest[:LIST_CAP]
    blocks = [
        header(f"Audit trail: {who}"),
        lines(*[entry_line(line) for line in shown]),
        *more_line(len(newest) - len(shown), "the evidence pack (`/evidence`) has them all."),
        context("Newest first, London time."),
    ]
    return Reply.say(f"The latest {len(shown)} audit entries for {who}", *blocks)


def require_reader(inv: Invocation, board: Board | None) -> None:
    """A business manager or secretariat of the board named, else of any of the partnership's."""
    if board is not None:
        require_role(inv, board, WRITERS, READING)
        return
    held = memberships_of(inv.user_id, session=inv.session)
    if any(b.partnership_id == inv.partnership_id and role in WRITERS for b, role in held):
        return
    raise BoardbotError(
        f"to {READING} you need to be a {either(WRITERS)} of one of {inv.partnership.name}'s boards"
    )


def occurrences_of(inv: Invocation, board: Board) -> set[int]:
    """Every occurrence of the duties the board owes or is owed (retired duties' too)."""
    duties = duties_of(inv.partnership_id, session=inv.session, retired=True)
    mine = [d.id for d in duties if board.key in d.owners or board.key in d.counterparts]
    return ids_of_duties(mine, session=inv.session)


def entry_line(line: AuditLine) -> Line:
    """'2026-11-23 10:00 @person duty.done duty_occurrence #12 Title (2026/27): status: …'."""
    who: Line = (Mention(line.actor),) if line.actor[:1] in ("U", "W") else (line.actor,)
    changed = line.changes_text()
    return (
        f"{line.london} ",
        *who,
        " ",
        Code(line.action),
        f" {line.target}" + (f": {changed}" if changed else ""),
    )
