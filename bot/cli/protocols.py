"""`boardbot protocols list|show|validate|load`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import USAGE, app, engine, settings, subcommands

if TYPE_CHECKING:
    from schedules.protocol import Protocol

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


def protocol_json(protocol: Protocol) -> dict[str, Any]:
    from schedules.cycle import duty_specs

    dump = protocol.model_dump(mode="json")
    return {
        "key": protocol.partnership.key,
        "name": protocol.partnership.name,
        "timezone": protocol.partnership.timezone,
        "year_start_month": protocol.partnership.year_start_month,
        "boards": dump["boards"],
        "duties": [{"id": spec.key, **spec.as_json()} for spec in duty_specs(protocol)],
        "ladders": dump["ladders"],
        "prompts": dump["prompts"],
    }


@protocols_app.command("show")
def protocols_show(
    name: str = NAME,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A protocol's boards, duties and escalation ladders.

    NAME is a bundled protocol (rutland, ...) or the path of a protocol file.
    """
    from schedules.cycle import duty_specs
    from schedules.protocol import load_protocol

    protocol = load_protocol(name)
    if as_json:
        typer.echo(json.dumps(protocol_json(protocol), indent=2))
        return
    info = protocol.partnership
    typer.echo(f"{info.key}: {info.name}\n\nBoards")
    for board in protocol.boards:
        typer.echo(f"  {board.key:<8} {board.name} ({board.kind.replace('_', ' ')})")
    typer.echo("\nDuties")
    for spec in duty_specs(protocol):
        towards = f" -> {', '.join(spec.counterparts)}" if spec.counterparts else ""
        typer.echo(f"  {spec.key}\n      {spec.title} [{', '.join(spec.owners)}{towards}]")
        typer.echo(
            f"      when: {describe_schedule(spec.schedule.model_dump())}; clause {spec.clause}"
        )
    typer.echo("\nEscalation ladders" if protocol.ladders else "\nNo escalation ladder")
    for ladder in protocol.ladders:
        typer.echo(f"  {ladder.id}: {ladder.name}")
        for number, stage in enumerate(ladder.stages, start=1):
            typer.echo(
                f"    {number}. {stage.name} — {stage.who_acts} "
                f"({stage.response_working_days} working days)"
            )


def describe_schedule(schedule: dict[str, Any]) -> str:
    import calendar

    if schedule.get("windows"):
        return " and ".join(
            f"{calendar.month_abbr[w['opens']]}–{calendar.month_abbr[w['closes']]}"
            for w in schedule["windows"]
        )
    if schedule.get("every"):
        month = schedule.get("month")
        return f"every {schedule['every']}" + (f" in {calendar.month_abbr[month]}" if month else "")
    if schedule.get("after_meetings"):
        rule = schedule["after_meetings"]
        boards = ", ".join(rule["of"])
        return f"within {rule['within_working_days']} working days after meetings of {boards}"
    return "on demand"


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
