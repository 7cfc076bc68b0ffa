"""`boardbot db upgrade|check|current`: the schema comes from Alembic migrations."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import typer

from bot.cli.common import app, engine, settings, subcommands
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from bot.settings import Settings

TEAM_ID = re.compile(r"^T[A-Z0-9]{2,}$")
db_app = subcommands("Database schema (Alembic migrations).")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", metavar="REVISION", hidden=True),
    team: str | None = typer.Option(
        None,
        "--team",
        metavar="T…",
        help="The Slack workspace (team id) existing partnerships belong to; default: the "
        "team of SLACK_BOT_TOKEN.",
    ),
) -> None:
    """Apply migrations up to REVISION (default: head, the newest)."""
    from storage.db import normalise_url
    from storage.migrate import assigns_workspaces, upgrade

    config = settings()
    db = engine(config)  # a DATABASE_URL that is not one stops here, by name
    if team is not None and not TEAM_ID.match(team):
        raise BoardbotError(f"--team: '{team}' is not a Slack team id; write one such as T0123ABCD")
    try:
        if team is None and assigns_workspaces(db, revision):
            team = token_team(config)
    finally:
        db.dispose()
    upgrade(config.database_url, revision, team=team)
    typer.echo(f"database at {_safe(normalise_url(config.database_url))} is at {revision}")


def token_team(config: Settings) -> str | None:
    """The workspace of SLACK_BOT_TOKEN (auth.test), for partnerships from before workspaces
    were recorded; None, with a warning, when there is no token or Slack refuses it."""
    if not config.slack_bot_token:
        typer.echo(
            "warning: no SLACK_BOT_TOKEN and no --team: existing partnerships get no workspace "
            "until `boardbot setup apply` names one (team: T…)",
            err=True,
        )
        return None
    from slack_sdk.errors import SlackApiError

    from bot.slack_client import make_client

    try:
        return str(make_client(config).auth_test()["team_id"])
    except (SlackApiError, OSError) as exc:
        typer.echo(
            f"warning: could not ask Slack which workspace SLACK_BOT_TOKEN is ({exc}); "
            "existing partnerships get no workspace: run again with --team T…",
            err=True,
        )
        return None


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from storage.migrate import current_revision

    typer.echo(current_revision(engine(settings())) or "empty (run: boardbot db upgrade)")


@db_app.command("check")
def db_check() -> None:
    """Exit 2 when the models and the migrated schema disagree."""
    from storage.migrate import model_drift

    drift = model_drift(engine(settings()))
    if drift:
        for item in drift:
            typer.echo(f"drift: {item}", err=True)
        raise BoardbotError("models and migrations disagree; write a migration")
    typer.echo("models and migrations agree")


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url
