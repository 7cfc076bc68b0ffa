"""Shared CLI plumbing: the app, every expected failure as one line and exit 2, settings, engine.

CLI modules import only typer at the top; each command imports what it uses when it runs, so
that `boardbot --help` prints at once.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from storage.errors import BoardbotError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.exc import DBAPIError

    from bot.settings import Settings

PROG = "boardbot"
# A partnership's key, as most commands take it first (described in each command's docstring).
PARTNERSHIP = typer.Argument(..., metavar="PARTNERSHIP", hidden=True)
USAGE = 2  # the exit code of every expected failure
SCHEMA_BEHIND = "the database schema is behind this version of boardbot; run `boardbot db upgrade`"


def show_help_when_bare(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def subcommands(help: str) -> typer.Typer:
    """A family of subcommands (`boardbot db ...`); on its own it prints its help."""
    family = typer.Typer(help=help, invoke_without_command=True, rich_markup_mode=None)
    family.callback()(show_help_when_bare)
    return family


app = typer.Typer(
    name=PROG,
    help="Keep the protocols between local partnership boards alive.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, without importing rich; metavars instead of type tags
)
app.callback()(show_help_when_bare)


def run_app(args: Sequence[str] | None = None) -> int:
    """Run the CLI; an expected failure prints one line (a bad file, a line per problem), exit 2."""
    try:
        return run_command_line(args)
    finally:
        close_engines()


def run_command_line(args: Sequence[str] | None) -> int:
    try:
        # Without standalone mode the app raises usage errors instead of printing a usage block.
        argv = list(args) if args is not None else None
        code = app(args=argv, prog_name=PROG, standalone_mode=False)
    except BoardbotError as exc:
        return refused(exc)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: no such option, command or value
        return fail(usage_line(exc))
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        return 130
    except OSError as exc:  # the machine's side: a file that cannot be written, a port in use
        if not exc.strerror:
            raise
        return fail(f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror)
    except Exception as exc:
        message = database_failure(exc)
        if message is None:
            raise
        return fail(message)
    return code if isinstance(code, int) else 0


def fail(message: str) -> int:
    typer.echo(f"error: {message}", err=True)
    return USAGE


def refused(exc: BoardbotError) -> int:
    """A file's problems keep their FILE:LINE: lines; anything else is one line."""
    from schedules.protocol import ProtocolInvalid  # loaded already when a file was read

    if isinstance(exc, ProtocolInvalid):
        typer.echo(exc.render(), err=True)
        return USAGE
    return fail(one_line(str(exc)))


def usage_line(exc: typer.TyperException) -> str:
    context: Any = getattr(exc, "ctx", None)  # usage errors know the command they belong to
    where = getattr(context, "command_path", None) or PROG
    return f"{one_line(exc.format_message())} (`{where} --help` shows the usage)"


def one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.strip().splitlines() if line.strip())


def database_failure(exc: Exception) -> str | None:
    """What a person can do about a database error, or None when it is not one."""
    errors = sys.modules.get("sqlalchemy.exc")  # no database was used when it is not loaded
    if errors is None or not isinstance(exc, errors.DBAPIError):
        return None
    return database_trouble(exc)


def database_trouble(exc: DBAPIError) -> str:
    from sqlalchemy.exc import OperationalError

    detail = one_line(str(exc.orig)) if exc.orig else one_line(str(exc))
    state = getattr(exc.orig, "sqlstate", None)  # PostgreSQL's error code, via psycopg
    missing = ("no such table", "no such column")
    if state in {"42P01", "42703"} or any(text in detail for text in missing):
        return SCHEMA_BEHIND  # an undefined table or column: an empty or older database
    if isinstance(exc, OperationalError):
        return f"cannot use the database ({detail}); check DATABASE_URL and that it is running"
    return f"the database refused the request ({detail})"


def settings() -> Settings:
    from bot.settings import load_settings

    loaded = load_settings()
    logging.basicConfig(
        level=loaded.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations report in the CLI's words
    return loaded


def engine(config: Settings) -> Engine:
    """The database engine; a DATABASE_URL that is not a database URL stops here, by name."""
    from sqlalchemy.exc import ArgumentError

    from storage.db import make_engine

    try:
        made = make_engine(config.database_url)
    except (ArgumentError, ImportError) as exc:  # not a URL, or a database without a driver here
        raise BoardbotError(
            f"DATABASE_URL is not a database URL boardbot can use ({one_line(str(exc))}); "
            "write e.g. postgresql://user@host/boardbot or sqlite:///var/boardbot.sqlite3"
        ) from None
    ENGINES.append(made)
    return made


ENGINES: list[Engine] = []  # made during one command line; run_app closes them when it ends


def close_engines() -> None:
    while ENGINES:
        ENGINES.pop().dispose()


def iso_day_option(value: str, option: str) -> date:
    """An option's day, written YYYY-MM-DD (an operator's option, not a command's grammar)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BoardbotError(
            f"{option}: '{value}' is not a date; write YYYY-MM-DD, e.g. 2026-04-01"
        ) from None
