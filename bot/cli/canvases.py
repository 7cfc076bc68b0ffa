"""`boardbot outbox canvas-retry CHANNEL`: try a digest channel's tracker canvas again."""

from __future__ import annotations

import typer

from bot.cli.clock import outbox_app
from bot.cli.common import engine, settings
from storage.errors import BoardbotError


@outbox_app.command("canvas-retry")
def canvas_retry(channel: str = typer.Argument(..., metavar="CHANNEL", hidden=True)) -> None:
    """Try CHANNEL's tracker canvas again from the next tick (after its plan or scopes changed)."""
    from storage.db import transaction
    from storage.queries import trackers

    with transaction(engine(settings())) as session:
        if not trackers.turn_on(channel.strip(), session=session):
            raise BoardbotError(
                f"the tracker canvas of {channel} is not off; `boardbot outbox` lists any that are"
            )
    typer.echo(f"the tracker canvas of {channel} is tried again from the next tick")
