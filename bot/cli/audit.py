"""`boardbot audit`: a partnership's audit trail, oldest first, in London time."""

from __future__ import annotations

import json
from datetime import time, timedelta

import typer

from bot.cli.common import PARTNERSHIP, app, engine, iso_day_option, settings
from storage.errors import BoardbotError


@app.command("audit")
def audit_command(
    partnership_key: str = PARTNERSHIP,
    start: str | None = typer.Option(
        None, "--from", metavar="YYYY-MM-DD", help="First London day, YYYY-MM-DD."
    ),
    end: str | None = typer.Option(
        None, "--to", metavar="YYYY-MM-DD", help="Last London day, YYYY-MM-DD (inclusive)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array."),
) -> None:
    """Who changed what and when: every audit entry of PARTNERSHIP, oldest first."""
    from sqlmodel import Session

    from schedules import calendar
    from schedules.evidence.audit_trail import audit_lines, lines_json
    from schedules.evidence.gather import find_partnership

    first = iso_day_option(start, "--from") if start else None
    last = iso_day_option(end, "--to") if end else None
    if first and last and last < first:
        raise BoardbotError("--to is before --from; write e.g. --from 2026-04-01 --to 2026-06-30")
    since = calendar.at_local_time(first, time(0)) if first else None
    until = calendar.at_local_time(last + timedelta(days=1), time(0)) if last else None
    with Session(engine(settings())) as session:
        partnership = find_partnership(partnership_key, session=session)
        assert partnership.id is not None
        lines = audit_lines(partnership.id, since, until, session=session)
    if as_json:
        typer.echo(json.dumps(lines_json(lines), ensure_ascii=False, indent=2))
        return
    span = f"from {first or 'the start'} to {last or 'now'}"
    if not lines:
        typer.echo(f"No audit entries for {partnership.key} {span}.")
        return
    entries = f"{len(lines)} audit entr{'y' if len(lines) == 1 else 'ies'}"
    typer.echo(f"{partnership.name}: {entries} {span} (London time, oldest first)")
    for line in lines:
        typer.echo(line.text())
