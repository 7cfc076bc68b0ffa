"""`boardbot workspaces` and `boardbot workspaces remove TEAM`: the Slack workspaces served."""

from __future__ import annotations

import typer

from bot.cli.common import app, engine, settings
from storage.errors import BoardbotError

workspaces_app = typer.Typer(
    help="The Slack workspaces boardbot serves: installations, partnerships, token state.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(workspaces_app, name="workspaces")


@workspaces_app.callback()
def workspaces_list(ctx: typer.Context) -> None:
    """List each workspace: its installation, its partnerships and whether its token works.

    A workspace appears when it has installed boardbot or has a partnership.
    """
    if ctx.invoked_subcommand is not None:
        return
    from sqlmodel import Session

    from schedules import calendar
    from storage.queries.outbox import pauses
    from storage.queries.partnerships import partnerships_by_team
    from storage.queries.workspaces import installed_workspaces

    config = settings()
    with Session(engine(config)) as session:
        installed = installed_workspaces(session=session)
        grouped = partnerships_by_team(session=session)
        paused = {p.workspace: p for p in pauses(session=session)}
    by_team = {w.team_id or w.enterprise_id or "": w for w in installed}
    teams = sorted({*by_team, *(team for team in grouped if team)})
    if not teams and not grouped:
        typer.echo("no workspace has installed boardbot, and no partnership is loaded")
        return
    for team in teams:
        install = by_team.get(team)
        name = f" {install.name}" if install and install.name else ""
        org_wide = install is not None and not install.team_id
        org = " (Enterprise Grid org, installed org-wide)" if org_wide else ""
        if install is not None:
            since = install.installed_at.strftime("%Y-%m-%d %H:%M")
            token = f"token: installed {since} UTC"
        elif config.installed_by_oauth:
            token = "token: none (not installed, or uninstalled)"
        else:
            token = "token: SLACK_BOT_TOKEN"
        pause = paused.get(team)
        if pause is not None:
            when = pause.since.astimezone(calendar.LONDON).strftime("%Y-%m-%d %H:%M")
            token += f"; sending paused since {when} ({pause.error}), prompts wait"
        keys = ", ".join(p.key for p in grouped.get(team, [])) or "none"
        typer.echo(f"{team}{name}{org}")
        typer.echo(f"  {token}")
        typer.echo(f"  partnerships: {keys}")
    unbound = grouped.get(None, [])
    if unbound:
        keys = ", ".join(p.key for p in unbound)
        typer.echo(f"no workspace yet (`boardbot setup apply` with team: T… binds them): {keys}")


@workspaces_app.command("remove")
def workspaces_remove(
    team: str = typer.Argument(..., metavar="TEAM", hidden=True),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for the typed confirmation."),
) -> None:
    """Delete every record of the workspace TEAM (a team id): its partnerships with their
    boards, people, meetings, duties, requests, escalations, prompts and audit entries, its
    installation and tokens. For a data-protection request; it cannot be undone.
    """
    from sqlmodel import Session

    from storage.db import transaction
    from storage.queries.workspaces import installed_workspaces, partnerships_of, remove_workspace

    db = engine(settings())
    with Session(db) as session:
        keys = [p.key for p in partnerships_of(team, session=session)]
        installed = any(w.team_id == team for w in installed_workspaces(session=session))
    if not keys and not installed:
        raise BoardbotError(f"no workspace {team}: `boardbot workspaces` lists them")
    typer.echo(
        f"This deletes every record of workspace {team}: partnerships {', '.join(keys) or 'none'}"
        f"{' and its installation' if installed else ''}. It cannot be undone."
    )
    if not yes:
        typed = typer.prompt(f"Type {team} to delete it", default="", show_default=False)
        if typed.strip() != team:
            raise BoardbotError("not confirmed; nothing was deleted")
    with transaction(db) as session:
        counts = remove_workspace(team, session=session)
    said = ", ".join(f"{count} {table}" for table, count in sorted(counts.items()))
    typer.echo(f"workspace {team} removed ({said or 'nothing stored'})")
