"""`boardbot evidence`: a partnership's year as an evidence pack (HTML, CSV or JSON)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from bot.cli.common import PARTNERSHIP, app, engine, settings
from storage.errors import BoardbotError

T = TypeVar("T")
YEAR_HELP = "The partnership's year, e.g. 2026/27 (default: the current one)."


@app.command("evidence")
def evidence_command(
    partnership_key: str = PARTNERSHIP,
    year: str | None = typer.Option(None, "--year", metavar="YYYY/YY", help=YEAR_HELP),
    fmt: str = typer.Option(
        "html", "--format", metavar="FORMAT", help="html (default), csv or json."
    ),
    out: Path | None = typer.Option(
        None, "--out", metavar="FILE", help="Write to FILE, not standard output."
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="ISO-DATETIME",
        help="The record as it stood at this instant (ISO; default now).",
    ),
) -> None:
    """The evidence pack of a partnership's year, as the record stands (it writes nothing)."""
    from sqlmodel import Session

    from bot.cli.clock import parse_at
    from schedules.evidence import build_pack, check_format, year_start

    fmt = _option("--format", check_format, fmt.strip().lower())
    start = _option("--year", year_start, year) if year is not None else None
    instant = parse_at(at)
    with Session(engine(settings())) as session:
        pack = build_pack(partnership_key, start, instant, session=session)
        content = pack.render(fmt)
        session.rollback()  # nothing was written; this only ends the read
    if out is None:
        typer.echo(content, nl=False)
        return
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise BoardbotError(f"--out: cannot write {out} ({exc.strerror})") from None
    label = pack.record.year.label
    typer.echo(f"{out}: {fmt} evidence pack of {pack.record.partnership} {label}")


def _option(name: str, parse: Callable[[str], T], value: str) -> T:
    """An option's value read by `parse`; its refusal names the option."""
    try:
        return parse(value)
    except BoardbotError as exc:
        raise BoardbotError(f"{name}: {exc.message}") from None
