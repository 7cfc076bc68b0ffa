"""`boardbot db upgrade|check|current`: the schema comes from Alembic migrations."""

from __future__ import annotations

import typer

from bot.cli.common import app, engine, settings
from storage.db import normalise_url
from storage.errors import BoardbotError
from storage.migrate import current_revision, model_drift, upgrade

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    config = settings()
    upgrade(config.database_url, revision)
    typer.echo(f"database at {_safe(normalise_url(config.database_url))} is at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    typer.echo(current_revision(engine(settings())) or "empty (run: boardbot db upgrade)")


@db_app.command("check")
def db_check() -> None:
    """Exit 1 when the models and the migrated schema disagree."""
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
