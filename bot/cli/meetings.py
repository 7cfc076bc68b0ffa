"""`boardbot meetings import|feeds`: meetings read from a calendar feed, and boards' feeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.common import app, engine, settings, subcommands
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.models import Board, Partnership

meetings_app = subcommands("Board meetings from calendar feeds.")
app.add_typer(meetings_app, name="meetings")
CLI_ACTOR = "cli"


@meetings_app.command("import")
def meetings_import(
    board_key: str = typer.Argument(..., metavar="BOARD", hidden=True),
    location: str = typer.Argument(..., metavar="FILE_OR_URL", hidden=True),
    partnership_key: str | None = typer.Option(
        None,
        "--partnership",
        metavar="KEY",
        help="The partnership's key (needed when there are several).",
    ),
    match: str = typer.Option(
        "", "--match", metavar="TEXT", help="Only events whose title contains TEXT."
    ),
) -> None:
    """Bring BOARD's meetings into step with an iCalendar file or feed; again changes nothing.

    A feed that cannot be read changes nothing: one line, exit 2.
    """
    from schedules.calendar import utcnow
    from schedules.feeds.fetch import FeedError, read_location
    from schedules.feeds.read import read_feed
    from schedules.feeds.sync import apply_feed
    from storage.db import transaction

    now, db = utcnow(), engine(settings())
    with transaction(db) as session:
        board = find_board(find_partnership(partnership_key, session), board_key, session)
    try:
        feed = read_feed(read_location(location), now)
    except FeedError as failure:
        raise BoardbotError(f"could not read {location}: {failure}; nothing was changed") from None
    with transaction(db) as session:
        session.add(board)
        report = apply_feed(
            board, feed, source=location, now=now, actor=CLI_ACTOR, session=session, match=match
        )
    typer.echo(f"{board.key.upper()} from {location}: {report.counts()}")
    for reason in report.reasons():
        typer.echo(f"  skipped {reason}")


@meetings_app.command("feeds")
def meetings_feeds(
    partnership_key: str | None = typer.Option(
        None, "--partnership", metavar="KEY", help="Only this partnership."
    ),
) -> None:
    """Each board's calendar feed: its address, the last read, the next, and any failures."""
    from sqlmodel import Session

    from storage.queries.feeds import followed
    from storage.queries.partnerships import all_partnerships

    with Session(engine(settings())) as session:
        rows = [
            (partnership, board, subscription)
            for partnership in all_partnerships(session=session)
            if partnership_key in (None, "", partnership.key)
            for board, subscription in followed(session=session, partnership_id=partnership.id)
        ]
    if not rows:
        typer.echo("no board follows a calendar feed; `/meetings subscribe BOARD URL` starts one")
    for partnership, board, subscription in rows:
        for line in feed_lines(partnership, board, subscription):
            typer.echo(line)


def feed_lines(partnership: Partnership, board: Board, subscription: object) -> list[str]:
    from schedules.feeds.subscriptions import FAILURES_SHOWN
    from storage.models import FeedSubscription

    assert isinstance(subscription, FeedSubscription)
    match = f" (titles with '{subscription.match}')" if subscription.match else ""
    lines = [f"{partnership.key} {board.key.upper()}: {subscription.url}{match}"]
    read = when(subscription.last_read_at) if subscription.last_read_at else "never"
    lines.append(f"  last read {read}: {subscription.last_result or '-'}")
    lines.append(f"  next read {when(subscription.next_refresh_at)}")
    failures = subscription.consecutive_failures
    if failures:
        flag = "FAILING " if failures >= FAILURES_SHOWN else ""
        lines.append(f"  {flag}{failures} failed reads in a row: {subscription.last_error}")
    return lines


def when(moment: object) -> str:
    from datetime import datetime

    from schedules import calendar

    assert isinstance(moment, datetime)
    return moment.astimezone(calendar.LONDON).strftime("%Y-%m-%d %H:%M")


def find_partnership(key: str | None, session: Session) -> Partnership:
    """The partnership named, or the only one there is."""
    from storage.queries.partnerships import all_partnerships, partnership_by_key

    everything = all_partnerships(session=session)
    known = ", ".join(p.key for p in everything) or "none loaded"
    if key is None:
        if len(everything) == 1:
            return everything[0]
        raise BoardbotError(f"there are several partnerships ({known}); give --partnership")
    found = partnership_by_key(key, session=session)
    if found is None:
        raise BoardbotError(f"no partnership '{key}' ({known})")
    return found


def find_board(partnership: Partnership, key: str, session: Session) -> Board:
    from storage.queries.boards import board_by_key, boards_of

    assert partnership.id is not None
    board = board_by_key(partnership.id, key, session=session)
    if board is None:
        boards = ", ".join(b.key for b in boards_of(partnership.id, session=session))
        raise BoardbotError(f"no board '{key}' in {partnership.key}; the boards are {boards}")
    return board
