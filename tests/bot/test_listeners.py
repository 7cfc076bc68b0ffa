"""Listeners come one module per Slack surface, each registering itself on the app."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import bot.listeners
from bot.app import build_app
from bot.settings import Settings
from commands.registry import FAMILIES
from storage.db import make_engine

SURFACES = {"actions", "commands", "events", "views"}


def test_each_surface_has_one_module_with_a_register_function() -> None:
    found = {module.name for module in pkgutil.iter_modules(bot.listeners.__path__)}
    assert found >= SURFACES
    for name in found:
        module = importlib.import_module(f"bot.listeners.{name}")
        assert list(inspect.signature(module.register).parameters) == ["app", "answers"]


def test_the_app_listens_to_every_surface(sqlite_url: str) -> None:
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret="s3cret")
    engine = make_engine(sqlite_url)
    try:
        app = build_app(settings, engine)
        # One listener per slash command family, one for buttons, forms and the Home tab.
        assert len(app._listeners) == len(FAMILIES) + 3
    finally:
        engine.dispose()
