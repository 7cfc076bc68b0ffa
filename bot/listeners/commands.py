"""Slash commands: each family in commands/registry.py, acked at once and answered after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient

from bot.answers import Answers, delivery_key
from bot.dispatch import Caller
from commands import registry

Json = dict[str, Any]


def register(app: App, answers: Answers) -> None:
    for name in registry.FAMILIES:
        app.command(name)(listener(answers, name))


def listener(answers: Answers, name: str) -> Callable[..., None]:
    def on_command(
        ack: Ack, body: Json, respond: Respond, request: BoltRequest, client: WebClient
    ) -> None:
        ack()  # within Slack's 3 seconds whatever the command costs; replays are found after
        key = delivery_key(request, body)
        answers.after_ack(answer, answers, client, name, body, respond, key)

    on_command.__name__ = f"on_command_{name.strip('/')}"
    return on_command


def answer(
    answers: Answers, client: WebClient, name: str, body: Json, respond: Respond, key: str
) -> None:
    if answers.first_time(key, name):
        caller = Caller.of(body)
        reply = answers.dispatcher.command(name, str(body.get("text") or ""), caller)
        answers.courier(client).deliver(reply, caller, respond, public=not reply.ephemeral)
