"""`boardbot protocols list|show|validate|load`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.cli.common import USAGE, app, engine, settings, subcommands

protocols_app = subcommands("Protocol files: bundled templates and your own.")
app.add_typer(protocols_app, name="protocols")
NAME = typer.Argument(..., metavar="NAME", hidden=True)  # described in each docstring


@protocols_app.command("list")
def protocols_list() -> None:
    """The bundled protocol templates."""
    from schedules.protocol import load_protocol, template_names

    for name in template_names():
        protocol = load_protocol(name)
        boards = ", ".join(protocol.board_keys)
        typer.echo(f"{name:<16} {boards:<30} {protocol.partnership.name}")


@protocols_app.command("show")
def protocols_show(
    name: str = NAME,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A protocol's agreement, boards, partners, duties and escalation ladder.

    NAME is a bundled protocol (rutland, ...) or the path of a protocol file.
    """
    from schedules.protocol import load_protocol
    from schedules.protocol.summary import protocol_json, show_lines

    protocol = load_protocol(name)
    if as_json:
        typer.echo(json.dumps(protocol_json(protocol), indent=2))
        return
    typer.echo("\n".join(show_lines(protocol)))


@protocols_app.command("validate")
def protocols_validate(
    files: list[Path] = typer.Argument(..., metavar="FILE", hidden=True),
) -> None:
    """Exit 0 when every FILE (or bundled name) is valid.

    Otherwise exit 2 with a FILE:LINE: field: problem line for each problem.
    """
    from schedules.cycle import duty_specs
    from schedules.protocol import ProtocolInvalid, load_protocol

    failed = False
    for file in files:
        try:
            protocol = load_protocol(str(file))
        except ProtocolInvalid as exc:
            typer.echo(exc.render())
            failed = True
            continue
        typer.echo(
            f"{file}: valid ({len(protocol.boards)} boards, {len(duty_specs(protocol))} duties, "
            f"{len(protocol.ladders)} ladders)"
        )
    if failed:
        raise typer.Exit(USAGE)


@protocols_app.command("load")
def protocols_load(name: str = NAME) -> None:
    """Put a protocol into the database.

    Loading it again updates it in place. NAME is a bundled protocol (rutland, ...) or the path
    of a protocol file.
    """
    from schedules.calendar import utcnow
    from schedules.protocol import load_protocol
    from schedules.protocol.store import store_protocol
    from storage.db import transaction

    protocol = load_protocol(name)
    config = settings()
    with transaction(engine(config)) as session:
        report = store_protocol(protocol, session=session, now=utcnow(), actor="cli")
    typer.echo(report.summary())
