"""Bolt listeners, one module per Slack surface, each with `register(app, answers)`.

A module here listens to one surface (slash commands, buttons, forms, events) and hands the
work to its command-side handlers (commands/registry.py). A new surface is a new module here,
found and registered by `register_all`, and its handler in commands/.
"""

from __future__ import annotations

import importlib
import pkgutil

from slack_bolt import App

from bot.answers import Answers


def register_all(app: App, answers: Answers) -> None:
    """Register every listener module in this package, in name order."""
    for found in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
        importlib.import_module(f"{__name__}.{found.name}").register(app, answers)
