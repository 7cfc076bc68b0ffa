"""Shared CLI plumbing: the app, expected errors as exit 2 with a message, settings, engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.settings import Settings, load_settings
from storage.db import make_engine
from storage.errors import BoardbotError

app = typer.Typer(
    name="boardbot",
    help="Keep the protocols between local partnership boards alive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def run_app(typer_app: Callable[..., Any]) -> int:
    """Expected failures print their message and exit 2; nothing prints a traceback to users."""
    try:
        # Without standalone mode click returns an Exit's code instead of raising it.
        code = typer_app(standalone_mode=False)
    except BoardbotError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except DBAPIError as exc:
        typer.echo(f"error: {database_trouble(exc)}", err=True)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except Exception as exc:
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        raise
    return code if isinstance(code, int) else 0


def database_trouble(exc: DBAPIError) -> str:
    """What a person can do about a database error, without a traceback."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "no such table" in detail or ("does not exist" in detail and "relation" in detail):
        return "the database has no boardbot tables yet; run `boardbot db upgrade` first"
    if isinstance(exc, OperationalError):
        return f"cannot use the database ({detail}); check DATABASE_URL and that it is running"
    return f"the database refused the request ({detail})"


def settings() -> Settings:
    loaded = load_settings()
    logging.basicConfig(
        level=loaded.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations report in the CLI's words
    return loaded


def engine(config: Settings) -> Engine:
    return make_engine(config.database_url)


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BoardbotError(
            f"{option}: '{value}' is not a date; write YYYY-MM-DD, e.g. 2026-04-01"
        ) from None
