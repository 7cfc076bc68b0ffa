"""The `boardbot` console script: one Typer app, a module per family of subcommands."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.cli import audit as _audit  # noqa: F401 - registers subcommands
from bot.cli import calendar as _calendar  # noqa: F401
from bot.cli import canvases as _canvases  # noqa: F401
from bot.cli import clock as _clock  # noqa: F401
from bot.cli import db as _db  # noqa: F401
from bot.cli import evidence as _evidence  # noqa: F401
from bot.cli import meetings as _meetings  # noqa: F401
from bot.cli import protocols as _protocols  # noqa: F401
from bot.cli import sandbox as _sandbox  # noqa: F401
from bot.cli import setup as _setup  # noqa: F401
from bot.cli import simulate as _simulate  # noqa: F401
from bot.cli import slack as _slack  # noqa: F401
from bot.cli import workspaces as _workspaces  # noqa: F401
from bot.cli.common import app, run_app


def run(args: Sequence[str] | None = None) -> int:
    """Run `boardbot ARGS` in this process and return its exit code."""
    return run_app(args)


def main() -> None:
    sys.exit(run())


__all__ = ["app", "main", "run"]
