"""Forms (modals): checked before the ack, so that a problem shows under its input."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.answers import Answers, delivery_key
from bot.dispatch import Caller, Repeated, failure, refusal
from bot.privacy import unacceptable
from bot.render import first_input, view_values
from bot.setup_flow import PREFIX as SETUP
from commands import registry
from commands.registry import ViewHandler
from commands.reply import FieldError, Reply
from storage.errors import BoardbotError

log = logging.getLogger(__name__)
Json = dict[str, Any]
ERROR_TEXT = 500  # characters Slack shows under a modal input


def register(app: App, answers: Answers) -> None:
    @app.view(re.compile(rf"^(?!{re.escape(SETUP)}).+"))  # setup: listeners/setup.py
    def on_view(ack: Ack, body: Json, view: Json, request: BoltRequest, client: WebClient) -> None:
        submit(answers, client, ack, body, view, delivery_key(request, body))


def submit(
    answers: Answers, client: WebClient, ack: Ack, body: Json, view: Json, key: str = ""
) -> None:
    """A form: its work is done before the ack, so its delivery key is recorded in the same
    transaction as that work: a replay finds it and is acked without a second answer."""
    handler, caller = registry.views().get(str(view.get("callback_id"))), Caller.of(body)
    values, metadata = view_values(view), str(view.get("private_metadata") or "")
    errors, reply = typing_errors(values, metadata, first_input(view)), None
    if handler is not None and not errors:
        reply, errors = answer_form(answers, handler, view, caller, key)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()
    if reply is not None:
        answers.after_ack(deliver, answers, client, reply, caller)


def deliver(answers: Answers, client: WebClient, reply: Reply, caller: Caller) -> None:
    answers.courier(client).deliver(reply, caller, None)


def answer_form(
    answers: Answers, handler: ViewHandler, view: Json, caller: Caller, key: str
) -> tuple[Reply | None, dict[str, str]]:
    """The form's work: a reply to deliver after the ack, or errors to show in the form."""
    callback_id, first = str(view.get("callback_id")), first_input(view)
    values, metadata = view_values(view), str(view.get("private_metadata") or "")
    try:
        work = answers.dispatcher.attempt(
            caller, lambda inv: handler(inv, values, metadata), once=key
        )
        return work, {}
    except Repeated:
        log.info("skipped a repeated delivery of %s", callback_id)
        return None, {}
    except FieldError as wrong:
        return None, {wrong.block_id: wrong.message}
    except BoardbotError as refused:
        reply, problem = refusal(refused), refused.message
    except Exception:  # noqa: BLE001 - failure() is the one error handler
        reply = failure(callback_id)
        problem = reply.message.text
    return (reply, {}) if first is None else (None, {first: problem[:ERROR_TEXT]})


def typing_errors(values: dict[str, str], metadata: str, first: str | None) -> dict[str, str]:
    """Inputs whose text cannot be accepted as typed, with why (shown under each)."""
    errors = {block: problem for block, v in values.items() if (problem := unacceptable(v))}
    problem = unacceptable(metadata)
    if problem is not None and first is not None:
        errors.setdefault(first, problem)
    return errors
