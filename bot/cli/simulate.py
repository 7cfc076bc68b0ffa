"""`boardbot simulate`: the prompts a protocol would send over a date range, without Slack."""

from __future__ import annotations

import json
import textwrap

import typer

from bot.cli.common import app, parse_day
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
) -> None:
    """The prompts a protocol would send, in date order.

    Dates are Europe/London dates, from --from to --to inclusive.
    """
    from schedules.protocol import load_protocol
    from schedules.simulate import simulate

    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if last < first:
        raise BoardbotError("--to is before --from; write e.g. --from 2026-04-01 --to 2027-03-31")
    if (last - first).days > 366 * 5:
        raise BoardbotError("the range is longer than five years; simulate a shorter span")
    protocol = load_protocol(protocol_name)
    prompts = simulate(protocol, first, last, overdue_repeats=overdue_repeats)
    if as_json:
        typer.echo(json.dumps([p.as_json() for p in prompts], indent=2))
        return
    typer.echo(f"{protocol.partnership.name}\n{first} to {last}: {len(prompts)} prompts\n")
    typer.echo(f"{'date':<11} {'kind':<19} {'to':<26} what")
    for prompt in prompts:
        what = textwrap.shorten(f"{prompt.title} ({prompt.duty})", width=70)
        typer.echo(f"{prompt.send_on!s:<11} {prompt.kind:<19} {prompt.recipient.label:<26} {what}")
