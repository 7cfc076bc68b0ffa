"""What every listener does once Slack has its ack: answer, once per delivery.

Slack wants an ack within three seconds; the work behind it (the database, Slack's Web API)
starts once the ack is written, in an answer process (bot/answer_processes.py) under
`boardbot web`, else on a small pool. Slack may deliver a request again, and anyone can replay a
signed one: each delivery is recorded, so that any process answers it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import BoltRequest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.answer_processes import AnswerProcesses
from bot.dispatch import SLACK_REQUESTS, Courier, Dispatcher, failure
from storage.db import transaction
from storage.models import SlackDelivery

log = logging.getLogger(__name__)
Json = dict[str, Any]
Clock = Callable[[], datetime]
# Work after the ack runs on a pool; it takes CPU (and the GIL) from the acks, so while an ack
# is in flight it waits, at most this long (benchmarks/answer_latency.py shows why).
WORKERS, YIELD_TO_ACKS = 4, 0.25


class Answers:
    """The work behind every ack: run it as one transaction, deliver the reply, log a failure."""

    def __init__(
        self,
        engine: Engine,
        now: Clock,
        pool: ThreadPoolExecutor,
        public_url: str | None = None,
        *,
        unbound_visible: bool = True,
        elsewhere: AnswerProcesses | None = None,
    ):
        self.engine, self.now, self.pool = engine, now, pool
        self.elsewhere = elsewhere  # answer processes (bot/answer_processes.py), when started
        # Workspaces installed by OAuth see no partnership that is not yet bound to one.
        self.unbound_visible = unbound_visible
        self.dispatcher = Dispatcher(engine, now, public_url, unbound_visible=unbound_visible)

    def courier(self, client: WebClient) -> Courier:
        """Delivery with the request's client: its own workspace's token."""
        return Courier(client, self.engine)

    def after_ack(self, job: Callable[..., None], *args: Any) -> None:
        """Run `job(*args)` once the ack is written: in an answer process when there are some,
        else on the pool, once the acks in flight (if any) have gone."""
        start = partial(self._start, job, args)
        if not SLACK_REQUESTS.hold(start):
            start()

    def _start(self, job: Callable[..., None], args: tuple[Any, ...]) -> None:
        if self.elsewhere is not None and self.elsewhere.take(job, args, self):
            return
        self.pool.submit(self._run_after_acks, job, *args)

    def _run_after_acks(self, job: Callable[..., None], *args: Any) -> None:
        SLACK_REQUESTS.wait_for_acks(YIELD_TO_ACKS)  # an answer can wait; an ack cannot
        self.run_job(job, *args)

    def run_job(self, job: Callable[..., None], *args: Any) -> None:
        try:
            job(*args)
        except Exception:  # noqa: BLE001 - a delivery failure is logged once, with a ref
            failure(getattr(job, "__name__", "delivery"))

    def first_time(self, key: str, what: str) -> bool:
        """After the ack: True the first time any process sees this delivery."""
        if key and not self.first_delivery(key):
            log.info("skipped a repeated delivery of %s", what)
            return False
        return True

    def first_delivery(self, key: str) -> bool:
        """Record a delivery; False when any process has already recorded it."""
        try:
            with transaction(self.engine) as session:
                session.add(SlackDelivery(delivery_key=key[:200], received_at=self.now()))
        except IntegrityError:
            return False
        return True


def delivery_key(request: BoltRequest, body: Json) -> str:
    """What makes a delivery unique: Slack's signature over its timestamp and body over HTTP,
    else (Socket Mode) the trigger id; empty when there is neither."""
    timestamp = next(iter(request.headers.get("x-slack-request-timestamp") or ()), "")
    signature = next(iter(request.headers.get("x-slack-signature") or ()), "")
    if timestamp and signature:
        return f"signed:{timestamp}:{signature}"
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else ""
