"""`boardbot db upgrade|check|current`: the schema comes from Alembic migrations."""

from __future__ import annotations

import typer

from bot.cli.common import app, engine, settings, subcommands
from storage.errors import BoardbotError

db_app = subcommands("Database schema (Alembic migrations).")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", metavar="REVISION", hidden=True)) -> None:
    """Apply migrations up to REVISION (default: head, the newest)."""
    from storage.db import normalise_url
    from storage.migrate import upgrade

    config = settings()
    engine(config).dispose()  # a DATABASE_URL that is not one stops here, by name
    upgrade(config.database_url, revision)
    typer.echo(f"database at {_safe(normalise_url(config.database_url))} is at {revision}")


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
