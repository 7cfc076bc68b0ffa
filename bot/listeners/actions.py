"""Buttons and menus: the action's handler in commands/ (each family's ACTIONS), after the ack."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient

from bot.answers import Answers, delivery_key
from bot.dispatch import Caller, refusal
from bot.privacy import unacceptable
from bot.render import DUPLICATE_MARK
from bot.setup_flow import PREFIX as SETUP
from commands import registry
from storage.errors import BoardbotError

Json = dict[str, Any]


def register(app: App, answers: Answers) -> None:
    handlers = registry.actions()

    @app.action(re.compile(rf"^(?!{re.escape(SETUP)}).+"))  # setup: listeners/setup.py
    def on_action(
        ack: Ack, body: Json, respond: Respond | None, request: BoltRequest, client: WebClient
    ) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        action_id = known_action(handlers, str(action.get("action_id", "")))
        if action_id is not None:
            value = action.get("value") or (action.get("selected_option") or {}).get("value")
            key = delivery_key(request, body)
            answers.after_ack(
                answer, answers, client, action_id, str(value or ""), body, respond, key
            )


def known_action(handlers: dict[str, Any], action_id: str) -> str | None:
    """The handled action an id names; duplicates in one block carry a mark the edge added."""
    base = action_id if action_id in handlers else action_id.rsplit(DUPLICATE_MARK, 1)[0]
    return base if base in handlers else None


def answer(
    answers: Answers,
    client: WebClient,
    action_id: str,
    value: str,
    body: Json,
    respond: Respond | None,
    key: str,
) -> None:
    if not answers.first_time(key, action_id):
        return
    handler, caller = registry.actions()[action_id], Caller.of(body)
    problem = unacceptable(value)
    if problem is not None:
        answers.courier(client).deliver(refusal(BoardbotError(problem)), caller, respond)
        return
    reply = answers.dispatcher.run(
        caller, lambda inv: handler(inv, action_id, value), what=action_id
    )
    answers.courier(client).deliver(reply, caller, respond)
