"""The Bolt app: every slash command, button, modal and the App Home, ack first, work after."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.dispatch import ACKS, Caller, Courier, Dispatcher, failure, refusal
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
        self,
        engine: Engine,
        client: WebClient,
        now: Clock,
        pool: ThreadPoolExecutor,
        public_url: str | None = None,
    ):
        self.engine, self.now, self.pool, self.client = engine, now, pool, client
        self.dispatcher = Dispatcher(engine, now, public_url)
        self.courier = Courier(client, engine)
        self.actions, self.views = registry.actions(), registry.views()

    def later(self, job: Callable[..., None], *args: Any) -> None:
        self.pool.submit(self._guarded, job, *args)

    def _guarded(self, job: Callable[..., None], *args: Any) -> None:
        ACKS.wait_quiet(YIELD_TO_ACKS)  # an answer can wait a moment; an ack cannot
        try:
            job(*args)
        except Exception:  # noqa: BLE001 - a delivery failure is logged once, with a ref
            failure(getattr(job, "__name__", "delivery"))

    def command(self, name: str, body: Json, respond: Respond) -> None:
        caller = Caller.of(body)
        reply = self.dispatcher.command(name, str(body.get("text") or ""), caller)
        self.courier.deliver(reply, caller, respond, public=not reply.ephemeral)

    def action(self, action_id: str, value: str, body: Json, respond: Respond | None) -> None:
        handler = self.actions[action_id]
        caller = Caller.of(body)
        reply = self.dispatcher.run(
            caller, lambda inv: handler(inv, action_id, value), what=action_id
        )
        self.courier.deliver(reply, caller, respond)

    def known_action(self, action_id: str) -> str | None:
        base = action_id if action_id in self.actions else action_id.rsplit(DUPLICATE_MARK, 1)[0]
        return base if base in self.actions else None

    def submit(self, ack: Ack, body: Json, view: Json) -> None:
        """A form: checked before the ack, so that problems show under their inputs."""
        callback_id = str(view.get("callback_id"))
        handler, caller = self.views.get(callback_id), Caller.of(body)
        values, metadata = view_values(view), str(view.get("private_metadata") or "")
        if handler is None:
            ack()
            return
        problem = None
        try:
            reply = self.dispatcher.attempt(caller, lambda inv: handler(inv, values, metadata))
        except FieldError as wrong:
            ack(response_action="errors", errors={wrong.block_id: wrong.message})
            return
        except BoardbotError as refused:
            reply, problem = refusal(refused), refused.message
        except Exception:  # noqa: BLE001 - failure() is the one error handler
            reply = failure(callback_id)
            problem = reply.message.text
        first = first_input(view)
        if problem is not None and first is not None:
            ack(response_action="errors", errors={first: problem[:ERROR_TEXT]})
            return
        ack()
        self.later(self.courier.deliver, reply, caller, None)

    def home_once(self, event_id: str, caller: Caller) -> None:
        """After the ack: Slack may deliver an event again; any process answers it once."""
        if event_id and not self.first_delivery(event_id):
            log.info("skipped a repeated delivery of an event")
            return
        self.home(caller)

    def home(self, caller: Caller) -> None:
        reply = self.dispatcher.run(
            caller, lambda inv: Reply(Message("Home", home_blocks(inv))), what="app_home"
        )
        self.client.views_publish(user_id=caller.user_id, view=render_home(reply.message.blocks))

    def first_delivery(self, key: str) -> bool:
        """Record a delivery; False when any process has already recorded it."""
        try:
            with transaction(self.engine) as session:
                session.add(SlackDelivery(delivery_key=key[:200], received_at=self.now()))
        except IntegrityError:
            return False
        return True


def build_app(
    settings: Settings, engine: Engine, *, now: Clock = utcnow, socket_mode: bool = False
) -> App:
    """The Bolt app over `engine`; no network or database until the first request.

    Over HTTP every request's signature is checked; Socket Mode needs no signing secret."""
    settings.require("SLACK_BOT_TOKEN", *(() if socket_mode else ("SLACK_SIGNING_SECRET",)))
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="boardbot")
    app = App(
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        token_verification_enabled=False,
        process_before_response=True,  # the ack returns at once; the pool does the work
        listener_executor=pool,
    )
    register(app, Edge(engine, app.client, now, pool, settings.public_url))
    return app


def register(app: App, edge: Edge) -> None:
    """Every listener: each acks at once, then hands the work to the pool."""

    for name in registry.FAMILIES:
        app.command(name)(command_listener(edge, name))

    @app.action(re.compile(".+"))
    def on_action(ack: Ack, body: Json, respond: Respond | None) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        action_id = edge.known_action(str(action.get("action_id", "")))
        if action_id is not None:
            value = action.get("value") or (action.get("selected_option") or {}).get("value")
            edge.later(edge.action, action_id, str(value or ""), body, respond)

    @app.view(re.compile(".+"))
    def on_view(ack: Ack, body: Json, view: Json) -> None:
        edge.submit(ack, body, view)

    @app.event("app_home_opened")
    def on_home(body: Json, event: Json) -> None:
        if event.get("tab") == "home":
            caller = Caller(str(event.get("user")), str(event.get("channel") or ""))
            edge.later(edge.home_once, str(body.get("event_id") or ""), caller)


def command_listener(edge: Edge, name: str) -> Callable[..., None]:
    def on_command(ack: Ack, body: Json, respond: Respond) -> None:
        ack()  # within Slack's 3 seconds whatever the command costs
        edge.later(edge.command, name, body, respond)

    on_command.__name__ = f"on_command_{name.strip('/')}"
    return on_command
