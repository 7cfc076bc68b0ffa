"""Setting a partnership up from the App Home: its buttons and its three modal steps.

Steps one and two are checked before their ack (a problem shows under its input) and answered
with the next step (`response_action: update`); applying runs after the ack, then updates the
view with what changed and which channels boardbot joined or needs an /invite to.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answers import Answers, delivery_key
from bot.dispatch import Caller, failure, refusal, team_of
from bot.listeners.events import home
from bot.setup_flow import (
    ACK_BUDGET,
    BOARDS_VIEW,
    ERROR_TEXT,
    EXPORT,
    PREVIEW_VIEW,
    PROTOCOL_BLOCK,
    PROTOCOL_VIEW,
    START,
    UPLOAD_BLOCK,
    Draft,
    apply_draft,
    boards_view,
    chosen_boards,
    chosen_protocol,
    draft_from,
    export,
    in_workspace,
    is_admin,
    may_change,
    may_start,
    message_view,
    preview_view,
    protocol_of,
    protocol_view,
    taken_elsewhere,
)
from commands.reply import Line
from schedules.protocol.loader import ProtocolInvalid
from storage.db import transaction
from storage.errors import BoardbotError
from storage.queries.partnerships import partnership_by_key

log = logging.getLogger(__name__)
Json = dict[str, Any]


def register(app: App, answers: Answers) -> None:
    @app.action(START)
    def on_start(ack: Ack, body: Json, request: BoltRequest, client: WebClient) -> None:
        ack()
        answers.after_ack(start, answers, client, body, delivery_key(request, body))

    @app.action(EXPORT)
    def on_export(ack: Ack, body: Json, request: BoltRequest, client: WebClient) -> None:
        ack()
        answers.after_ack(send_export, answers, client, body, delivery_key(request, body))

    @app.view(PROTOCOL_VIEW)
    def on_protocol(ack: Ack, body: Json, view: Json, client: WebClient) -> None:
        respond(ack, lambda: protocol_step(answers, client, body, view))

    @app.view(BOARDS_VIEW)
    def on_boards(ack: Ack, body: Json, view: Json, client: WebClient) -> None:
        respond(ack, lambda: boards_step(answers, client, body, view))

    @app.view(PREVIEW_VIEW)
    def on_preview(
        ack: Ack, body: Json, view: Json, request: BoltRequest, client: WebClient
    ) -> None:
        said: list[Line] = [("Setting the partnership up; this takes a few seconds.",)]
        ack(response_action="update", view=message_view("Setting up", said))
        key = delivery_key(request, body)
        answers.after_ack(apply_step, answers, client, body, view, key)


def button_value(body: Json) -> str:
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def admin_check(client: WebClient, user_id: str) -> Any:
    """Whether the person is a workspace admin, asked of Slack at most once per request."""
    return cache(lambda: is_admin(client, user_id))


def start(answers: Answers, client: WebClient, body: Json, key: str) -> None:
    """The button: open step one, for a new partnership or (its key given) to change one."""
    if not answers.first_time(key, START):
        return
    caller, wanted = Caller.of(body), button_value(body)
    admin, team = admin_check(client, caller.user_id), caller.team_id
    unbound = answers.unbound_visible
    try:
        with transaction(answers.engine) as session:
            current = partnership_by_key(wanted, session=session) if wanted else None
            if wanted and not in_workspace(current, team, unbound=unbound):
                raise BoardbotError(f"no partnership '{wanted}' is set up here")
            if current is not None and not may_change(
                current, caller.user_id, team, admin(), session=session, unbound=unbound
            ):
                raise BoardbotError(f"only {current.name}'s business managers may change its setup")
            if current is None and not may_start(
                caller.user_id, team, admin(), session=session, unbound=unbound
            ):
                raise BoardbotError("only a workspace admin may set up another partnership here")
            view = protocol_view(current)
        client.views_open(trigger_id=caller.trigger_id, view=view)
    except BoardbotError as refused:
        answers.courier(client).deliver(refusal(refused), caller, None)


def send_export(answers: Answers, client: WebClient, body: Json, key: str) -> None:
    if not answers.first_time(key, EXPORT):
        return
    caller, wanted = Caller.of(body), button_value(body)
    admin = admin_check(client, caller.user_id)
    try:
        with transaction(answers.engine) as session:
            found = partnership_by_key(wanted, session=session)
            if found is None or not may_change(
                found,
                caller.user_id,
                caller.team_id,
                admin(),
                session=session,
                unbound=answers.unbound_visible,
            ):
                raise BoardbotError(f"no partnership '{wanted}' whose setup you manage")
            export(client, found, caller.user_id, session=session)
    except BoardbotError as refused:
        answers.courier(client).deliver(refusal(refused), caller, None)


def respond(ack: Ack, step: Any) -> None:
    """Ack a step with the next view, or with its errors under their inputs."""
    try:
        view, errors = step()
    except Exception:  # noqa: BLE001 - failure() is the one error handler
        reply = failure("setup")
        ack(response_action="errors", errors={PROTOCOL_BLOCK: reply.message.text})
        return
    if errors:
        ack(response_action="errors", errors={k: v[:ERROR_TEXT] for k, v in errors.items()})
    else:
        ack(response_action="update", view=view)


def protocol_step(
    answers: Answers, client: WebClient, body: Json, view: Json
) -> tuple[Json | None, dict[str, str]]:
    """Step one: read the protocol (an upload is read within the ack's time), then boards."""
    source, errors = chosen_protocol(view)
    if errors:
        return None, errors
    block = UPLOAD_BLOCK if source.startswith("file:") else PROTOCOL_BLOCK
    user, team = Caller.of(body).user_id, team_of(body)
    admin = admin_check(client, user)
    draft = Draft(source)
    try:
        with transaction(answers.engine) as session:
            protocol = protocol_of(client, draft, session=session, timeout=ACK_BUDGET)
            draft.key = protocol.partnership.key
            existing = partnership_by_key(draft.key, session=session)
            unbound = answers.unbound_visible
            if existing is not None and not in_workspace(existing, team, unbound=unbound):
                raise BoardbotError(f"{existing.name} belongs to another Slack workspace")
            if existing is not None:
                if not may_change(existing, user, team, admin(), session=session, unbound=unbound):
                    raise BoardbotError(f"{existing.name} is set up already, by its managers")
                kept = draft_from(existing, session=session)
                draft.digest, draft.boards = kept.digest, kept.boards
            elif not may_start(user, team, admin(), session=session, unbound=unbound):
                raise BoardbotError("only a workspace admin may set up another partnership here")
            return boards_view(protocol, draft), {}
    except ProtocolInvalid as invalid:
        return None, {block: invalid.render()}
    except BoardbotError as refused:
        return None, {block: refused.message}


def boards_step(
    answers: Answers, client: WebClient, body: Json, view: Json
) -> tuple[Json | None, dict[str, str]]:
    """Step two: the channels and people; a channel twice, or another's, shows under it."""
    try:
        draft = Draft.load(str(view.get("private_metadata") or ""))
        with transaction(answers.engine) as session:
            protocol = protocol_of(client, draft, session=session, timeout=ACK_BUDGET)
            draft, errors = chosen_boards(protocol, draft, view)
            errors = {**taken_elsewhere(draft, session=session), **errors}
            if errors:
                return None, errors
            return preview_view(protocol, draft, answers.now()), {}
    except BoardbotError as refused:
        first = next(
            (b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input"), ""
        )
        return None, {first: refused.message}


def apply_step(answers: Answers, client: WebClient, body: Json, view: Json, key: str) -> None:
    """After the ack: apply, join the channels, and say what happened in the modal."""
    if not answers.first_time(key, PREVIEW_VIEW):
        return
    caller = Caller.of(body)
    enterprise = (body.get("enterprise") or {}).get("id") or body.get("enterprise_id")
    try:
        draft = Draft.load(str(view.get("private_metadata") or ""))
        name, applied = apply_draft(
            client,
            answers.engine,
            draft,
            user_id=caller.user_id,
            team_id=caller.team_id,
            enterprise_id=str(enterprise) if enterprise else None,
            now=answers.now(),
            admin=admin_check(client, caller.user_id),
            unbound=answers.unbound_visible,
        )
        said = applied.said(name, bot_user(client))
        done = message_view("Set up" if applied.changes else "No changes", said)
    except BoardbotError as refused:
        done = message_view("Not set up", [(f"Nothing was changed: {refused.message}",)])
    except Exception:  # noqa: BLE001 - failure() is the one error handler
        done = message_view("Not set up", [(failure("setup").message.text,)])
    try:
        client.views_update(view_id=str(view.get("id")), view=done)
    except SlackApiError as exc:
        log.warning("views.update failed: %s", exc.response.get("error"))
    home(answers, client, caller)


def bot_user(client: WebClient) -> str:
    """The bot's own name, to /invite it by."""
    try:
        return str(client.auth_test()["user"] or "boardbot")
    except SlackApiError:
        return "boardbot"
