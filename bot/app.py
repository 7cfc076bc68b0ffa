"""The Bolt app: every slash command, button, modal and the App Home, ack first, work after."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.dispatch import ACKS, Caller, Courier, Dispatcher, Repeated, failure, refusal
from bot.oauth import app_options, check_mode, register_uninstalls
from bot.privacy import unacceptable
from bot.render import (
    DUPLICATE_MARK,
    first_input,
    render_home,
    view_values,
)
from bot.settings import Settings
from bot.slack_client import make_client
from commands import registry
from commands.home import home_blocks
from commands.registry import ViewHandler
from commands.reply import (
    FieldError,
    Message,
    Reply,
)
from schedules.calendar import utcnow
from storage.db import transaction
from storage.errors import BoardbotError
from storage.models import SlackDelivery

log = logging.getLogger(__name__)
Json = dict[str, Any]
Clock = Callable[[], datetime]
# Work after the ack runs on a pool; it takes CPU (and the GIL) from the acks, so while Slack
# is waiting for acks it waits too, a little (benchmarks/ack_latency.py shows why).
WORKERS, YIELD_TO_ACKS = 4, 0.25
ERROR_TEXT = 500  # characters Slack shows under a modal input


class Edge:
    """The listeners' bodies: work after the ack runs on the pool, errors end in failure()."""

    def __init__(
        self, engine: Engine, now: Clock, pool: ThreadPoolExecutor, public_url: str | None = None
    ):
        self.engine, self.now, self.pool = engine, now, pool
        self.dispatcher = Dispatcher(engine, now, public_url)
        self.actions, self.views = registry.actions(), registry.views()

    def courier(self, client: WebClient) -> Courier:
        """Delivery with the request's client: its own workspace's token."""
        return Courier(client, self.engine)

    def later(self, job: Callable[..., None], *args: Any) -> None:
        self.pool.submit(self._guarded, job, *args)

    def _guarded(self, job: Callable[..., None], *args: Any) -> None:
        ACKS.wait_quiet(YIELD_TO_ACKS)  # an answer can wait a moment; an ack cannot
        try:
            job(*args)
        except Exception:  # noqa: BLE001 - a delivery failure is logged once, with a ref
            failure(getattr(job, "__name__", "delivery"))

    def once(self, key: str, what: str) -> bool:
        """After the ack: True the first time any process sees this delivery."""
        if key and not self.first_delivery(key):
            log.info("skipped a repeated delivery of %s", what)
            return False
        return True

    def command(
        self, client: WebClient, name: str, body: Json, respond: Respond, key: str = ""
    ) -> None:
        if self.once(key, name):
            caller = Caller.of(body)
            reply = self.dispatcher.command(name, str(body.get("text") or ""), caller)
            self.courier(client).deliver(reply, caller, respond, public=not reply.ephemeral)

    def action(
        self,
        client: WebClient,
        action_id: str,
        value: str,
        body: Json,
        respond: Respond | None,
        key: str = "",
    ) -> None:
        if not self.once(key, action_id):
            return
        handler, caller = self.actions[action_id], Caller.of(body)
        problem = unacceptable(value)
        if problem is not None:
            self.courier(client).deliver(refusal(BoardbotError(problem)), caller, respond)
            return
        reply = self.dispatcher.run(
            caller, lambda inv: handler(inv, action_id, value), what=action_id
        )
        self.courier(client).deliver(reply, caller, respond)

    def known_action(self, action_id: str) -> str | None:
        base = action_id if action_id in self.actions else action_id.rsplit(DUPLICATE_MARK, 1)[0]
        return base if base in self.actions else None

    def submit(self, client: WebClient, ack: Ack, body: Json, view: Json, key: str = "") -> None:
        """A form: checked before the ack, so that problems show under their inputs.

        Its work is done before the ack, so its delivery key is recorded in the same
        transaction as that work: a replay finds it and is acked without a second answer."""
        handler, caller = self.views.get(str(view.get("callback_id"))), Caller.of(body)
        values, metadata = view_values(view), str(view.get("private_metadata") or "")
        errors, reply = typing_errors(values, metadata, first_input(view)), None
        if handler is not None and not errors:
            reply, errors = self.answer_form(handler, view, caller, key)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
        if reply is not None:
            self.later(self.courier(client).deliver, reply, caller, None)

    def answer_form(
        self, handler: ViewHandler, view: Json, caller: Caller, key: str
    ) -> tuple[Reply | None, dict[str, str]]:
        """The form's work: a reply to deliver after the ack, or errors to show in the form."""
        callback_id, first = str(view.get("callback_id")), first_input(view)
        values, metadata = view_values(view), str(view.get("private_metadata") or "")
        try:
            work = self.dispatcher.attempt(
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

    def home_once(self, client: WebClient, event_id: str, caller: Caller) -> None:
        """After the ack: Slack may deliver an event again; any process answers it once."""
        if self.once(event_id, "an event"):
            self.home(client, caller)

    def home(self, client: WebClient, caller: Caller) -> None:
        reply = self.dispatcher.run(
            caller, lambda inv: Reply(Message("Home", home_blocks(inv))), what="app_home"
        )
        client.views_publish(user_id=caller.user_id, view=render_home(reply.message.blocks))

    def first_delivery(self, key: str) -> bool:
        """Record a delivery; False when any process has already recorded it."""
        try:
            with transaction(self.engine) as session:
                session.add(SlackDelivery(delivery_key=key[:200], received_at=self.now()))
        except IntegrityError:
            return False
        return True


def typing_errors(values: dict[str, str], metadata: str, first: str | None) -> dict[str, str]:
    """Inputs whose text cannot be accepted as typed, with why (shown under each)."""
    errors = {block: problem for block, v in values.items() if (problem := unacceptable(v))}
    problem = unacceptable(metadata)
    if problem is not None and first is not None:
        errors.setdefault(first, problem)
    return errors


def delivery_key(request: BoltRequest, body: Json) -> str:
    """What makes a delivery unique: Slack's signature over its timestamp and body over HTTP,
    else (Socket Mode) the trigger id; empty when there is neither."""
    timestamp = next(iter(request.headers.get("x-slack-request-timestamp") or ()), "")
    signature = next(iter(request.headers.get("x-slack-signature") or ()), "")
    if timestamp and signature:
        return f"signed:{timestamp}:{signature}"
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else ""


def build_app(
    settings: Settings, engine: Engine, *, now: Clock = utcnow, socket_mode: bool = False
) -> App:
    """The Bolt app over `engine`; no network or database until the first request.

    Over HTTP every request's signature is checked; Socket Mode needs no signing secret. With
    SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, workspaces install it by OAuth (bot/oauth.py) and
    each request is answered with its own workspace's token."""
    check_mode(settings, socket_mode=socket_mode)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="boardbot")
    app = App(
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        token_verification_enabled=False,
        process_before_response=True,  # the ack returns at once; the pool does the work
        listener_executor=pool,
        **(app_options(settings, engine) if settings.installed_by_oauth else {}),
    )
    register(app, Edge(engine, now, pool, settings.public_url))
    register_uninstalls(app, engine, now)
    return app


def register(app: App, edge: Edge) -> None:
    """Every listener: each acks at once, then hands the work to the pool."""

    for name in registry.FAMILIES:
        app.command(name)(command_listener(edge, name))

    @app.action(re.compile(".+"))
    def on_action(
        ack: Ack, body: Json, respond: Respond | None, request: BoltRequest, client: WebClient
    ) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        action_id = edge.known_action(str(action.get("action_id", "")))
        if action_id is not None:
            value = action.get("value") or (action.get("selected_option") or {}).get("value")
            key = delivery_key(request, body)
            edge.later(edge.action, client, action_id, str(value or ""), body, respond, key)

    @app.view(re.compile(".+"))
    def on_view(ack: Ack, body: Json, view: Json, request: BoltRequest, client: WebClient) -> None:
        edge.submit(client, ack, body, view, delivery_key(request, body))

    @app.event("app_home_opened")
    def on_home(body: Json, event: Json, client: WebClient) -> None:
        if event.get("tab") == "home":
            caller = Caller(str(event.get("user")), str(event.get("channel") or ""))
            edge.later(edge.home_once, client, str(body.get("event_id") or ""), caller)


def command_listener(edge: Edge, name: str) -> Callable[..., None]:
    def on_command(
        ack: Ack, body: Json, respond: Respond, request: BoltRequest, client: WebClient
    ) -> None:
        ack()  # within Slack's 3 seconds whatever the command costs; replays are found after
        edge.later(edge.command, client, name, body, respond, delivery_key(request, body))

    on_command.__name__ = f"on_command_{name.strip('/')}"
    return on_command
