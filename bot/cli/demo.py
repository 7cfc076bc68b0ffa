"""`boardbot demo`: the main job on embedded defaults (SQLite, the bundled rutland protocol)."""

from __future__ import annotations

import typer

from bot.cli.common import app, settings
from bot.cli.protocols import protocols_load
from bot.cli.simulate import simulate_command
from storage.migrate import upgrade


@app.command("demo")
def demo(
    protocol: str = typer.Option(
        "rutland", "--protocol", help="A bundled name or a protocol file."
    ),
    start: str = typer.Option("2026-04-01", "--from", help="First day, YYYY-MM-DD."),
    end: str = typer.Option("2027-03-31", "--to", help="Last day, YYYY-MM-DD."),
) -> None:
    """Create the database, load a protocol and print the prompts of its year."""
    config = settings()
    upgrade(config.database_url)
    protocols_load(protocol)
    typer.echo("")
    simulate_command(protocol, start, end, as_json=False, overdue_repeats=0)
