"""Listeners come one module per Slack surface, each registering itself on the app."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

import bot.listeners
from bot.answers import Answers
from bot.app import build_app
from bot.settings import Settings
from commands.registry import FAMILIES
from schedules.calendar import utcnow
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
        answers = Answers(engine, utcnow, ThreadPoolExecutor(max_workers=1))
        each = {name: listeners_of(name, answers) for name in SURFACES}
        assert all(count >= 1 for count in each.values()), each
        assert each["commands"] == len(FAMILIES)  # one per slash command family
        assert len(app._listeners) == sum(each.values())  # and nothing registered elsewhere
    finally:
        engine.dispose()


def listeners_of(surface: str, answers: Answers) -> int:
    """How many listeners a surface's module registers on an app of its own."""
    app = App(token="xoxb-test", signing_secret="s3cret", token_verification_enabled=False)
    importlib.import_module(f"bot.listeners.{surface}").register(app, answers)
    return len(app._listeners)
