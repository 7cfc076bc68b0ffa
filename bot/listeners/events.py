"""Events: the App Home tab, drawn for the person who opened it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers import Answers
from bot.dispatch import Caller, team_of
from bot.render import render_home
from bot.setup_flow import is_admin
from commands.home import home_blocks
from commands.reply import Message, Reply

Json = dict[str, Any]


def register(app: App, answers: Answers) -> None:
    @app.event("app_home_opened")
    def on_home(body: Json, event: Json, client: WebClient) -> None:
        if event.get("tab") == "home":
            user, channel = str(event.get("user")), str(event.get("channel") or "")
            caller = Caller(user, channel, team_id=team_of(body))
            event_id = str(body.get("event_id") or "")
            answers.after_ack(home_once, answers, client, event_id, caller)


def home_once(answers: Answers, client: WebClient, event_id: str, caller: Caller) -> None:
    """After the ack: Slack may deliver an event again; any process answers it once."""
    if answers.first_time(event_id, "an event"):
        home(answers, client, caller)


def home(answers: Answers, client: WebClient, caller: Caller) -> None:
    admin = is_admin(client, caller.user_id)  # an admin may set partnerships up
    reply = answers.dispatcher.run(
        caller, lambda inv: Reply(Message("Home", home_blocks(inv, admin=admin))), what="app_home"
    )
    client.views_publish(user_id=caller.user_id, view=render_home(reply.message.blocks))
