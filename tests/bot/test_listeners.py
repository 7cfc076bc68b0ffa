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

SURFACES = {m.name for m in pkgutil.iter_modules(bot.listeners.__path__)}


def test_each_surface_has_one_module_with_a_register_function() -> None:
    assert {"actions", "commands", "events", "views"} <= SURFACES
    for name in SURFACES:
        module = importlib.import_module(f"bot.listeners.{name}")
        assert list(inspect.signature(module.register).parameters) == ["app", "answers"]


def test_the_app_listens_to_every_surface(sqlite_url: str) -> None:
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret="s3cret")
    engine = make_engine(sqlite_url)
    try:
        app = build_app(settings, engine)
        # One listener per slash command family, and one for each other surface.
        others = SURFACES - {"commands"}
        assert len(app._listeners) == len(FAMILIES) + len(others)
    finally:
        engine.dispose()
