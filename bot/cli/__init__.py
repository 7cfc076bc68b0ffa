"""The `boardbot` console script: one Typer app, a module per family of subcommands."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

import typer

from bot.cli import audit as _audit  # noqa: F401 - registers subcommands
from bot.cli import calendar as _calendar  # noqa: F401
from bot.cli import db as _db  # noqa: F401
from bot.cli import evidence as _evidence  # noqa: F401
from bot.cli import meetings as _meetings  # noqa: F401
from bot.cli import protocols as _protocols  # noqa: F401
from bot.cli import sandbox as _sandbox  # noqa: F401
from bot.cli import setup as _setup  # noqa: F401
from bot.cli import simulate as _simulate  # noqa: F401
from bot.cli import slack as _slack  # noqa: F401
from bot.cli.common import app, run_app

# Commands whose module imports the scheduler, Slack and the database as it loads. Until one of
# them runs, a stand-in lists it in --help; run, the stand-in loads the module (which registers
# the real command in its place) and runs the command line again.
DEFERRED: dict[str, tuple[str, str]] = {
    "clock": ("bot.cli.clock", "The clock process: a tick every few minutes (run exactly one)."),
    "outbox": ("bot.cli.clock", "Prompts waiting, in flight or failed."),
    "digest": ("bot.cli.clock", "Print (or post) a partnership's weekly digest."),
}
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def stand_in(name: str, module: str) -> Callable[[typer.Context], None]:
    def load_and_run(ctx: typer.Context) -> None:
        if module in sys.modules:  # loaded, yet this stand-in ran: the module lacks `name`
            raise RuntimeError(f"{module} does not register the command {name!r}")
        importlib.import_module(module)
        root = ctx.find_root().info_name
        code = app(args=[name, *ctx.args], prog_name=root, standalone_mode=False)
        raise typer.Exit(code if isinstance(code, int) else 0)

    return load_and_run


for _name, (_module, _summary) in DEFERRED.items():
    app.command(_name, help=_summary, add_help_option=False, context_settings=PASS_THROUGH)(
        stand_in(_name, _module)
    )


def run(args: Sequence[str] | None = None) -> int:
    """Run `boardbot ARGS` in this process and return its exit code."""
    return run_app(args)


def main() -> None:
    sys.exit(run())


__all__ = ["app", "main", "run"]
