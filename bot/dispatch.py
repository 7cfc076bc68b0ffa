"""Running a request as one transaction, answering refusals and failures, delivering replies."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.files import OutgoingFile, UploadFailed, send_files
from bot.privacy import DatabaseDetailFilter, unacceptable
from bot.render import render_message, render_modal
from bot.slack_text import plain_tokens
from commands import registry
from commands.context import Invocation
from commands.reply import ChannelRef, Line, Mention, Message, Modal, Reply, context, lines
from storage.db import transaction
from storage.errors import BoardbotError
from storage.models import SlackDelivery

log = logging.getLogger(__name__)
log.addFilter(DatabaseDetailFilter())  # failure()'s tracebacks never quote stored text
Json = dict[str, Any]
Work = Callable[[Invocation], Reply]
Clock = Callable[[], datetime]


class InFlight:
    """Requests from Slack being acked in this process, so that answers can give way to acks.

    An ack is in flight from the moment its request arrives until its response has been written
    (`begin` returns what ends it). What a request's listener starts after its ack is held until
    then (`hold`): the answer's work, in this process or another, never competes with writing
    the ack it follows. An answer on this process's pool also waits while other acks are in
    flight (`wait_for_acks`): when the process is not saturated nothing is, and it starts at
    once; under a burst acks go first, for a bounded time, so an answer is never starved."""

    def __init__(self) -> None:
        self._count, self._idle = 0, threading.Condition()
        self._acking = threading.local()  # the held work of the request this thread acks

    def begin(self) -> Callable[[], None]:
        """A request arrived on this thread; call what this returns once its response is written
        (or could not be): the work it held starts then. Calls after the first do nothing."""
        unsent: Callable[[], None] | None = getattr(self._acking, "sent", None)
        if unsent is not None:  # the server never closed this thread's last response
            unsent()
        with self._idle:
            self._count += 1
        held: list[Callable[[], None]] = []
        ended = threading.Event()

        def sent() -> None:
            if ended.is_set():
                return
            ended.set()
            if getattr(self._acking, "sent", None) is sent:
                del self._acking.sent, self._acking.held
            with self._idle:
                self._count -= 1
                if self._count == 0:
                    self._idle.notify_all()
            for start in held:
                try:
                    start()
                except Exception:  # one answer that cannot start spoils no other
                    log.exception("an answer could not be started")

        self._acking.sent, self._acking.held = sent, held
        return sent

    def hold(self, start: Callable[[], None]) -> bool:
        """Run `start` once this thread's response is written; False when this thread is not
        acking a request (Socket Mode, the clock): the caller starts it at once."""
        held: list[Callable[[], None]] | None = getattr(self._acking, "held", None)
        if held is None:
            return False
        held.append(start)
        return True

    def wait_for_acks(self, limit: float) -> None:
        """Until no request is being acked, or `limit` seconds pass; at once when none is."""
        if self._count == 0:  # the common case takes no lock
            return
        deadline = time.monotonic() + limit
        with self._idle:
            while self._count and (pause := deadline - time.monotonic()) > 0:
                self._idle.wait(pause)


SLACK_REQUESTS = InFlight()


@dataclass(frozen=True)
class Caller:
    """Who acted, where, and the trigger for opening a modal: read from any Slack payload."""

    user_id: str
    channel_id: str = ""
    trigger_id: str | None = None
    team_id: str | None = None  # the workspace it came from: only its partnerships answer

    @classmethod
    def of(cls, body: Json) -> Caller:
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        channel = channel or (body.get("container") or {}).get("channel_id")
        return cls(str(user or ""), str(channel or ""), body.get("trigger_id"), team_of(body))


def team_of(body: Json) -> str | None:
    """The workspace of any Slack payload: a slash command's or event's team_id, an
    interaction's team (or, from an org-wide install, the person's own team)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    team = team or (body.get("user") or {}).get("team_id")
    return str(team) if team else None


def refusal(refused: BoardbotError, hint: str | None = None) -> Reply:
    said = f":warning: {refused.message}"
    blocks = [lines(said)]
    if refused.usage:
        blocks.append(lines(*refused.usage.splitlines()))
    elif hint:
        blocks.append(context(hint))
    return Reply(Message(f"{said}\n{refused.usage}" if refused.usage else said, blocks))


def failure(what: str) -> Reply:
    """The one error handler: one traceback in the log, a reference the user can quote."""
    ref = secrets.token_hex(3)
    log.exception("unexpected error in %s (ref %s)", what, ref)
    return Reply.say(f"Something went wrong (ref {ref}). Nothing was saved.")


class Repeated(Exception):
    """This delivery was answered before (a replay, or Slack's retry)."""


class Dispatcher:
    """Runs a command, button or form as one transaction; never raises."""

    def __init__(
        self,
        engine: Engine,
        now: Clock,
        public_url: str | None = None,
        *,
        unbound_visible: bool = True,
    ) -> None:
        self.engine, self.now, self.public_url = engine, now, public_url
        self.unbound_visible = unbound_visible  # see Invocation.unbound_visible

    def attempt(self, caller: Caller, work: Work, *, once: str = "") -> Reply:
        """Run `work`; with `once`, the delivery's key is recorded in the same transaction,
        so that its effect and the record of it commit together (Repeated when known)."""
        with transaction(self.engine) as session:
            if once:
                session.add(SlackDelivery(delivery_key=once[:200], received_at=self.now()))
                try:
                    session.flush()
                except IntegrityError:
                    raise Repeated(once) from None
            user, channel, trigger = caller.user_id, caller.channel_id, caller.trigger_id
            now, url, team = self.now(), self.public_url, caller.team_id
            return work(
                Invocation(
                    session,
                    user,
                    channel,
                    now,
                    trigger,
                    url,
                    team_id=team,
                    unbound_visible=self.unbound_visible,
                )
            )

    def run(self, caller: Caller, work: Work, *, what: str, hint: str | None = None) -> Reply:
        try:
            return self.attempt(caller, work)
        except BoardbotError as refused:
            return refusal(refused, hint)
        except Exception:  # noqa: BLE001 - the single error handler
            return failure(what)

    def command(self, name: str, text: str, caller: Caller) -> Reply:
        hint = f"`{name} help` shows what it can do."
        problem = unacceptable(text)
        if problem is not None:  # before any database sees it
            return refusal(BoardbotError(problem), hint)
        handler, plain = registry.command_handler(name), plain_tokens(text)

        def work(inv: Invocation) -> Reply:
            reply: Reply | None = handler(inv, plain)
            return reply if reply is not None else Reply.say(registry.usage(name))

        return self.run(caller, work, what=name, hint=hint)


class Courier:
    """Delivers a Reply: the modal, the posts (and their hooks), then the answer to the person."""

    def __init__(self, client: WebClient, engine: Engine) -> None:
        self.client, self.engine = client, engine

    def deliver(
        self, reply: Reply, caller: Caller, respond: Respond | None, *, public: bool = False
    ) -> None:
        notes: list[Line] = []
        if reply.modal is not None and not self.open_modal(reply.modal, caller):
            notes.append(("The form could not be opened in time; please try again.",))
        notes += [note for post in reply.posts if (note := self.post(post, caller))]
        if reply.files:
            notes += self.send_files(reply, caller)
        if reply.modal is not None and not notes:
            return  # the form is the answer
        message = reply.message
        if notes:
            message = Message(message.text, [*message.blocks, context(*notes)])
        rendered = render_message(message)
        if respond is None:
            self.client.chat_postMessage(channel=caller.user_id, **rendered)
        elif reply.replace_original:
            respond(**rendered, replace_original=True)
        else:
            respond(**rendered, response_type="in_channel" if public else "ephemeral")

    def send_files(self, reply: Reply, caller: Caller) -> list[Line]:
        """The reply's files, in the person's DM as one message; a note when they failed."""
        files = [OutgoingFile(f.filename, f.title, f.content) for f in reply.files]
        try:
            send_files(self.client, caller.user_id, files, comment=reply.files_comment)
        except UploadFailed as failed:
            return [(f":warning: {failed.message}.",)]
        return []

    def open_modal(self, modal: Modal, caller: Caller) -> bool:
        try:
            self.client.views_open(trigger_id=caller.trigger_id, view=render_modal(modal))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            return False
        return True

    def post(self, message: Message, caller: Caller) -> Line | None:
        """Post or update one message; a note for the person when Slack refuses it."""
        channel = message.channel or caller.channel_id
        rendered = render_message(message)
        try:
            if message.update_ts:
                self.client.chat_update(channel=channel, ts=message.update_ts, **rendered)
                return None
            sent = self.client.chat_postMessage(
                channel=channel, metadata=message.metadata, unfurl_links=False, **rendered
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            log.warning("posting to %s failed: %s", channel, error)
            where = Mention(channel) if channel[:1] in ("U", "W") else ChannelRef(channel)
            return ("Not posted to ", where, f" ({error}).")
        self.after_post(message, str(sent["channel"]), str(sent["ts"]))
        return None

    def after_post(self, message: Message, channel: str, ts: str) -> None:
        metadata = message.metadata or {}
        hook = registry.posted_hooks().get(str(metadata.get("event_type")))
        subject = (metadata.get("event_payload") or {}).get("id")
        if hook is not None and subject is not None:
            with transaction(self.engine) as session:
                hook(session, int(subject), channel, ts)
