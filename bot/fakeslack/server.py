"""A stand-in for the Slack Web API served over real HTTP, for tests and the local sandbox."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Generic, Self, TypeVar

from bot.fakeslack.documents import Documents
from bot.fakeslack.faults import Fault, FaultPlan, fault_reply
from bot.fakeslack.files import upload_by
from bot.fakeslack.methods import ROUTES, Method
from bot.fakeslack.oauth import AUTHORIZE_PAGE, FakeOAuth, Installations
from bot.fakeslack.socket_mode import SocketModeLink
from bot.fakeslack.state import SlackState, dm_id, new_channel, new_user
from bot.fakeslack.transport import (
    LoopbackService,
)
from bot.fakeslack.views import store_view
from bot.fakeslack.wire import (
    RESPONSE_URL_METHOD,
    ApiError,
    FakeCall,
    FakeResponse,
    Json,
    Reply,
)

_log = logging.getLogger(__name__)
T = TypeVar("T")
# Methods a client calls without a bot token: a response_url, the OAuth exchange (the app's
# credentials) and the authorize page (a person's browser).
UNTOKENED = frozenset({RESPONSE_URL_METHOD, "oauth.v2.access", AUTHORIZE_PAGE})
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # and only these take an xapp- token


V = TypeVar("V")


class OnState(Generic[V]):
    """A FakeSlack attribute kept on its SlackState, set under the fake's lock."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, fake: Any, owner: type | None = None) -> V:
        value: V = getattr(fake._state, self.name)
        return value

    def __set__(self, fake: Any, value: V) -> None:
        with fake._cond:
            setattr(fake._state, self.name, value)


class FakeSlack(Installations, Documents, LoopbackService):
    """An in-process Slack Web API on 127.0.0.1 that records every call and can inject faults."""

    def __init__(
        self,
        tokens: Iterable[str] = ("xoxb-test-token",),
        team_id: str = "T0FAKE",
        bot_user_id: str = "U0BOT",
        *,
        bot_id: str = "B0BOT",
        strict_channels: bool = False,
    ) -> None:
        super().__init__()
        self._state = SlackState(team_id, bot_user_id, bot_id, strict_channels=strict_channels)
        self._tokens = frozenset(tokens)
        # A re-entrant condition lets wait_for predicates call the locking accessors.
        self._cond = threading.Condition(threading.RLock())
        self._subscribers: list[Callable[[FakeCall], None]] = []
        self._faults = FaultPlan()
        self._calls: list[FakeCall] = []
        self._version = 0
        self._oauth = FakeOAuth()
        self.socket_mode = SocketModeLink()

    def start(self) -> Self:
        super().start()
        with self._cond:
            self._state.base_url = self.url  # upload URLs and files' addresses point here
        return self

    def stop(self) -> None:
        self.socket_mode.stop()
        super().stop()

    # The identity and channel strictness live on the state, where the methods read them;
    # these stay settable on the fake after construction.
    team_id: OnState[str] = OnState()
    bot_user_id: OnState[str] = OnState()
    bot_id: OnState[str] = OnState()
    # What time Slack thinks it is when it stamps a message (default: a fixed epoch).
    clock: OnState[Callable[[], datetime] | None] = OnState()
    strict_channels: OnState[bool] = OnState()

    def response_url(
        self, key: str, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """A fake response_url; tie it to a message so replace/delete_original act on it."""
        if channel and message_ts:
            with self._cond:
                self._state.links[key] = (dm_id(channel), message_ts)
        return f"{self.url}response/{key}"

    # -- arranging state -------------------------------------------------------------------

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        member: bool = True,
        private: bool = False,
    ) -> None:
        with self._cond:
            channel = new_channel(channel_id, name or channel_id, member=member, private=private)
            self._state.channels[channel_id] = channel

    def add_file(self, user_id: str, filename: str, content: bytes) -> Json:
        """A file a person uploads (into a modal's file_input, say): its record, as Slack
        puts it in the view's state; its bytes are served at its url_private."""
        with self._cond:
            record = upload_by(self._state, user_id, filename, content)
            self._version += 1
            self._cond.notify_all()
            return copy.deepcopy(record)

    def update_view(self, view_id: str, view: Json) -> Json:
        """Slack acting on a view submission's `response_action: update`: the view replaced."""
        with self._cond:
            stored = store_view(self._state, view, view_id)
            self._version += 1
            self._cond.notify_all()
            return stored

    def archive(self, channel: str) -> None:
        with self._cond:
            self._state.channel_entry(channel)["is_archived"] = True

    def remove_bot(self, channel: str) -> None:
        with self._cond:
            self._state.channel_entry(channel)["is_member"] = False

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        tz: str = "Europe/London",
        email: str | None = None,
        **extra: Any,
    ) -> None:
        """A person; with `email`, users.lookupByEmail finds them by it."""
        with self._cond:
            user = new_user(user_id, self.team_id, name, tz)
            if email is not None:
                user["profile"]["email"] = email
            self._state.users[user_id] = {**user, **extra}

    def dm_channel_for(self, user_id: str) -> str:
        return dm_id(user_id)

    # -- fault injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error: str = "channel_not_found",
        times: int = 1,
        *,
        applied: bool = False,
    ) -> None:
        """Answer the next calls with `error`; `applied`: carry each call out first."""
        self._queue(method, Fault("error", error, times, applied))

    def status_next(
        self, method: str, status: int = 503, times: int = 1, *, applied: bool = False
    ) -> None:
        """Answer the next calls with an HTTP status; `applied`: carry each call out first."""
        self._queue(method, Fault("status", status, times, applied))

    def fail_always(self, method: str, error: str) -> None:
        """Answer every call to `method` with `error` (as a missing scope does) until lifted."""
        with self._cond:
            self._faults.stand(method, Fault("error", error, 1))

    def stop_failing(self, method: str) -> None:
        with self._cond:
            self._faults.lift(method)

    def revoke_token(self, token: str, error: str = "token_revoked") -> None:
        """Refuse a token on every call with `error` (token_revoked, account_inactive, …)."""
        with self._cond:
            self._faults.revoked[token] = error

    def restore_token(self, token: str) -> None:
        with self._cond:
            self._faults.revoked.pop(token, None)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self._queue(method, Fault("ratelimit", retry_after, times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Delays combine with other faults: they hold the answer, whatever it is."""
        self._queue(method, Fault("delay", seconds, times))

    def pending_faults(self, method: str) -> int:
        """Injected faults and delays not yet used up by calls to `method`."""
        with self._cond:
            return self._faults.pending(method)

    def _queue(self, method: str, fault: Fault) -> None:
        with self._cond:
            self._faults.add(method, fault)

    # -- inspection ------------------------------------------------------------------------

    @property
    def calls(self) -> list[FakeCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[FakeCall]:
        return [call for call in self.calls if call.method == method]

    def messages(self, channel: str) -> list[Json]:
        """Messages in a channel (or a user's DM), oldest first."""
        with self._cond:
            return copy.deepcopy(self._state.messages.get(dm_id(channel), []))

    def ephemerals(self, user: str | None = None) -> list[Json]:
        with self._cond:
            ephemerals = self._state.ephemerals
            return [copy.deepcopy(e) for e in ephemerals if user in (None, e["user"])]

    def responses(self) -> list[FakeResponse]:
        with self._cond:
            return list(self._state.responses)

    def views(self) -> dict[str, Json]:
        with self._cond:
            return copy.deepcopy(self._state.views)

    def home_view(self, user_id: str) -> Json | None:
        with self._cond:
            return copy.deepcopy(self._state.home.get(user_id))

    def state(self) -> Json:
        """Everything a sandbox page needs to draw; `version` changes whenever anything does."""
        with self._cond:
            return copy.deepcopy(
                {
                    "version": self._version,
                    "team_id": self.team_id,
                    "bot_user_id": self.bot_user_id,
                    **self._state.snapshot(),
                }
            )

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until predicate() is truthy or timeout passes; returns its last value."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def subscribe(self, callback: Callable[[FakeCall], None]) -> Callable[[], None]:
        """Call back on every recorded call (from a server thread); returns an unsubscriber."""
        with self._cond:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._cond:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def reset(self) -> None:
        """Forget traffic, faults and channel flags; keep added channels, users and subscribers."""
        with self._cond:
            self._state.reset()
            self._calls = []
            self._faults.clear()
            self._version += 1
            self._cond.notify_all()

    # -- request pipeline ------------------------------------------------------------------

    def handle(self, method: str, params: Json, headers: dict[str, str]) -> Reply:
        """Answer one API call as Slack would; the HTTP layer calls this from its threads."""
        with self._cond:
            delay = self._faults.take_delay(method)
            self._cond.notify_all()  # a used-up delay is observable through pending_faults()
        if delay is not None:
            self._pause(float(delay.value))
        with self._cond:
            reply, fault = self._answer(method, params, headers)
            labels = [f.label for f in (delay, fault) if f is not None]
            call = FakeCall(
                method, params, headers, "+".join(labels) or None, reply.body.get("error")
            )
            self._calls.append(call)
            self._version += 1
            self._cond.notify_all()
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(call)
            except Exception:  # noqa: BLE001 - a broken observer must not fail the bot's API call
                _log.exception("fake Slack subscriber failed")
        return reply

    def _answer(
        self, method: str, params: Json, headers: dict[str, str]
    ) -> tuple[Reply, Fault | None]:
        if method == AUTHORIZE_PAGE:
            return self._oauth.authorize_page(params), None
        route = self._route(method, params, headers)
        if route is None:
            return Reply(200, {"ok": False, "error": "unknown_method"}), None
        fault = self._faults.take_fault(method)
        if fault is not None and not fault.applied:
            return fault_reply(fault), fault
        auth_error = None if method in UNTOKENED else self._auth_error(method, params, headers)
        if auth_error is not None:
            return Reply(200, {"ok": False, "error": auth_error}), None
        reply = self._carry_out(route, params)
        if fault is not None:  # Slack did it, then answered badly
            return fault_reply(fault), fault
        return reply, None

    def _route(self, method: str, params: Json, headers: dict[str, str]) -> Method | None:
        """The method's function; installation, tokens and Socket Mode are answered here."""
        issued = self._oauth.tokens.get(token_of(params, headers))
        if method == "auth.test" and issued is not None:
            return lambda _ws, _params: issued.auth_test()
        if method == "oauth.v2.access":
            return lambda _ws, form: self._oauth.access(form, headers)
        if method == "apps.connections.open":
            return lambda _ws, _params: self.socket_mode.open()
        return ROUTES.get(method)

    def _carry_out(self, route: Callable[[SlackState, Json], Json], params: Json) -> Reply:
        try:
            return Reply(200, {"ok": True, **route(self._state, params)})
        except ApiError as exc:
            return Reply(exc.status, {"ok": False, "error": exc.error, **exc.extra})
        except (ValueError, TypeError, KeyError, AttributeError):
            return Reply(200, {"ok": False, "error": "invalid_arguments"})

    def _auth_error(self, method: str, params: Json, headers: dict[str, str]) -> str | None:
        token = token_of(params, headers)
        if not token:
            return "not_authed"
        if token in self._faults.revoked:
            return self._faults.revoked[token]
        if token.startswith("xapp-") != (method in APP_TOKEN_METHODS):
            return "not_allowed_token_type"
        known = token in self._tokens or token in self._oauth.tokens
        return None if known else "invalid_auth"


def token_of(params: Json, headers: dict[str, str]) -> str:
    """The token a call carries: a Bearer header, or the legacy `token` argument."""
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else params.get("token")
    return str(token or "")
