"""`boardbot calendar url|revoke`: the addresses of partnerships' and boards' calendars."""

from __future__ import annotations

import typer

from bot.cli.common import PARTNERSHIP, app, engine, settings, subcommands
from bot.cli.meetings import CLI_ACTOR, find_board, find_partnership
from storage.errors import BoardbotError

calendar_app = subcommands("Boards' meetings and deadlines as calendars people subscribe to.")
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("url")
def calendar_url(
    partnership_key: str = PARTNERSHIP,
    board_key: str | None = typer.Argument(None, metavar="[BOARD]", hidden=True),
) -> None:
    """The calendar's address (made the first time): the partnership's, or one board's."""
    from schedules.calendar import utcnow
    from schedules.feeds import tokens
    from storage.db import transaction

    config = settings()
    if not config.public_url:
        raise BoardbotError(
            "calendar addresses need BOARDBOT_PUBLIC_URL, the address people reach the web "
            "process at (e.g. https://boardbot.example.org)"
        )
    with transaction(engine(config)) as session:
        partnership = find_partnership(partnership_key, session)
        board = find_board(partnership, board_key, session) if board_key else None
        made = tokens.token_for(partnership, board, now=utcnow(), actor=CLI_ACTOR, session=session)
        token = made.token
    typer.echo(tokens.feed_url(config.public_url, token))


@calendar_app.command("revoke")
def calendar_revoke(
    partnership_key: str = PARTNERSHIP,
    board_key: str | None = typer.Argument(None, metavar="[BOARD]", hidden=True),
) -> None:
    """Stop the calendar's address working (404 from now on); `calendar url` makes a new one."""
    from schedules.calendar import utcnow
    from schedules.feeds import tokens
    from storage.db import transaction

    with transaction(engine(settings())) as session:
        partnership = find_partnership(partnership_key, session)
        board = find_board(partnership, board_key, session) if board_key else None
        revoked = tokens.revoke(partnership, board, now=utcnow(), actor=CLI_ACTOR, session=session)
    which = f"{partnership.key} {board.key}" if board else partnership.key
    if not revoked:
        raise BoardbotError(f"{which} has no calendar address to revoke")
    typer.echo(f"revoked: the old address of {which}'s calendar now answers 404")
