"""The app's own lifecycle: `app_uninstalled` and `tokens_revoked` (its bot token) delete the
workspace's tokens, and its prompts wait, pending, until it installs boardbot again."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.answers import Answers
from bot.oauth import UNINSTALLED, forget


def register(app: App, answers: Answers) -> None:
    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext) -> None:
        forget(app, context, answers.engine, answers.now(), UNINSTALLED)

    @app.event("tokens_revoked")
    def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            forget(app, context, answers.engine, answers.now(), "tokens_revoked")
