"""`boardbot protocols list|show|validate|load`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.cli.common import app, engine, settings
from schedules.calendar import utcnow
from schedules.cycle import duty_specs
from schedules.protocol import ProtocolInvalid, load_protocol, template_names
from schedules.protocol.store import store_protocol
from storage.db import transaction

protocols_app = typer.Typer(
    help="Protocol files: bundled templates and your own.", no_args_is_help=True
)
app.add_typer(protocols_app, name="protocols")


@protocols_app.command("list")
def protocols_list() -> None:
    """The bundled protocol templates."""
    for name in template_names():
        protocol = load_protocol(name)
        boards = ", ".join(protocol.board_keys)
        typer.echo(f"{name:<16} {boards:<30} {protocol.partnership.name}")


@protocols_app.command("show")
def protocols_show(
    name: str = typer.Argument(..., help="A bundled name (rutland, ...) or a protocol file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A protocol's agreement, boards, partners, duties and escalation ladder."""
    from schedules.protocol.summary import protocol_json, show_lines

    protocol = load_protocol(name)
    if as_json:
        typer.echo(json.dumps(protocol_json(protocol), indent=2))
        return
    typer.echo("\n".join(show_lines(protocol)))


@protocols_app.command("validate")
def protocols_validate(
    files: list[Path] = typer.Argument(..., help="Protocol YAML files (or bundled names)."),
) -> None:
    """Exit 0 when every file is valid; otherwise exit 2 with FILE:LINE: field: problem lines."""
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
        raise typer.Exit(2)


@protocols_app.command("load")
def protocols_load(
    name: str = typer.Argument(..., help="A bundled name (rutland, ...) or a protocol file."),
) -> None:
    """Put a protocol into the database; loading again updates it in place."""
    protocol = load_protocol(name)
    config = settings()
    with transaction(engine(config)) as session:
        report = store_protocol(protocol, session=session, now=utcnow(), actor="cli")
    typer.echo(report.summary())
