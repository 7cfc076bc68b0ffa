"""/evidence — the year's evidence pack, sent to you as files: HTML to read or print to PDF, and
CSV for a spreadsheet.

`/evidence` sends the pack of the partnership's current year; `/evidence BOARD` only BOARD's
part of it; `/evidence [BOARD] 2026/27` a given year (April to March, or the protocol's year).
The chairs, business managers and secretariat of the partnership's boards may ask for it.
Example: `/evidence`, `/evidence hwb 2025/26`
"""

from __future__ import annotations

from commands.context import Invocation, board_arg
from commands.reply import FileOut, Reply
from commands.words import split_args
from schedules.evidence import build_pack, narrowed, year_start
from storage.errors import BoardbotError
from storage.models import Board
from storage.queries.people import memberships_of
from storage.roles import OFFICERS, either

USAGE = "Usage: `/evidence [BOARD] [YEAR]`, e.g. `/evidence hwb 2026/27`"


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if args and args[0].lower() == "help":
        return Reply.say(__doc__ or USAGE)
    if len(args) > 2:
        raise BoardbotError(f"'{text.strip()}' is not an /evidence command", usage=USAGE)
    start: int | None = None
    board: Board | None = None
    for token in args:
        if ("/" in token or token.isdigit()) and start is None:  # 2026/27; a channel is #C…
            start = year_of(token)
        elif board is None:
            board = board_arg(inv, token, usage=USAGE)
        else:
            raise BoardbotError(f"'{text.strip()}' is not an /evidence command", usage=USAGE)
    require_officer(inv)
    pack = build_pack(inv.partnership.key, start, inv.now, session=inv.session)
    if board is not None:
        pack = narrowed(pack, board.key)
    whose = (
        f"{board.key.upper()}'s part of {inv.partnership.name}" if board else inv.partnership.name
    )
    year = pack.record.year.label
    files = [
        FileOut(pack.filename("html"), f"Evidence pack {year}: {whose}", pack.render("html")),
        FileOut(pack.filename("csv"), f"Duties {year}: {whose} (CSV)", pack.render("csv")),
    ]
    said = (
        f"The evidence pack for {whose}, {year}, is on its way to your direct messages: "
        "open the HTML in a browser (print it to PDF from there) and the CSV in a spreadsheet."
    )
    comment = f"Evidence pack for {whose}, {year}, as the record stood when you asked."
    return Reply(Reply.say(said).message, files=files, files_comment=comment)


def year_of(token: str) -> int:
    try:
        return year_start(token)
    except BoardbotError as wrong:
        raise BoardbotError(wrong.message, usage=USAGE) from None


def require_officer(inv: Invocation) -> None:
    held = memberships_of(inv.user_id, session=inv.session)
    if any(b.partnership_id == inv.partnership_id and role in OFFICERS for b, role in held):
        return
    raise BoardbotError(
        f"to have the evidence pack you need to be a {either(OFFICERS)} of one of "
        f"{inv.partnership.name}'s boards"
    )
