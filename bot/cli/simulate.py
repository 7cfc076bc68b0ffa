"""`boardbot simulate`: the prompts a protocol would send over a date range, without Slack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import app, iso_day_option
from storage.errors import BoardbotError


@app.command("simulate")
def simulate_command(
    protocol_name: str = typer.Option(
        ..., "--protocol", metavar="NAME", help="A bundled protocol (rutland, ...) or a file."
    ),
    start: str = typer.Option(..., "--from", metavar="YYYY-MM-DD", help="The first day."),
    end: str = typer.Option(..., "--to", metavar="YYYY-MM-DD", help="The last day."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array."),
    overdue_repeats: int = typer.Option(
        0,
        "--overdue-repeats",
        min=0,
        metavar="N",
        help="Weekly overdue repeats to show after the first notice.",
    ),
    meetings: Annotated[
        Path | None,
        typer.Option(
            "--meetings", metavar="FILE", help="A YAML list of meetings, each {board, date}."
        ),
    ] = None,
    triggers: Annotated[
        list[str] | None,
        typer.Option(
            "--trigger",
            metavar="DUTY_ID@YYYY-MM-DD",
            help="A triggered duty, triggered on that day (repeatable).",
        ),
    ] = None,
) -> None:
    """The prompts a protocol would send, in date order: one row per event.

    Dates are Europe/London dates, from --from to --to inclusive.
    """
    from schedules.protocol import load_protocol
    from schedules.simulate import read_meetings_file, read_triggers, simulate, table

    first, last = iso_day_option(start, "--from"), iso_day_option(end, "--to")
    if last < first:
        raise BoardbotError("--to is before --from; write e.g. --from 2026-04-01 --to 2027-03-31")
    if (last - first).days > 366 * 5:
        raise BoardbotError("the range is longer than five years; simulate a shorter span")
    protocol = load_protocol(protocol_name)
    prompts = simulate(
        protocol,
        first,
        last,
        overdue_repeats=overdue_repeats,
        meetings=read_meetings_file(meetings, protocol) if meetings else [],
        triggers=read_triggers(triggers or [], protocol),
    )
    if as_json:
        typer.echo(json.dumps([p.as_json() for p in prompts], indent=2))
        return
    typer.echo("\n".join(table(protocol, prompts, first, last)))
