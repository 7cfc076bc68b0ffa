"""Setting a partnership up from Slack: the App Home's "Set up a partnership" modals.

Three steps, each a view of one modal: the protocol (a bundled one, or a YAML file uploaded
into a `file_input`), then each board's channel and people by role, then a preview of the
year ahead; "Set up" applies it through `bot/setup_file.py apply_setup`, as `boardbot setup
apply` does. Each step is checked before its ack, so that a problem shows under its input;
applying, joining channels and reading the result back run after the ack and update the view.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlmodel import Session

from bot.files import OutgoingFile, send_files
from bot.render import (
    LABEL,
    OPTION_TEXT,
    OPTIONS,
    PRIVATE_METADATA,
    SECTION_TEXT,
    VIEW_BLOCKS,
    escape,
    render_block,
    truncate,
)
from bot.setup_file import BoardBinding, SetupFile, apply_setup
from commands.home import EXPORT_SETUP, SET_UP
from commands.reply import Bold, ChannelRef, Code, Line, lines
from schedules import calendar
from schedules.calendar import short_date
from schedules.protocol.loader import (
    MAX_FILE_BYTES,
    ProtocolInvalid,
    load_protocol,
    parse_protocol,
    template_names,
)
from schedules.protocol.model import Protocol
from schedules.protocol.store import store_protocol
from schedules.protocol.yamlsource import Problem
from schedules.simulate import events, simulate
from storage.db import transaction
from storage.errors import BoardbotError
from storage.models import Partnership
from storage.queries.boards import boards_by_channel
from storage.queries.partnerships import partnership_by_key, partnerships_in_workspace
from storage.queries.people import memberships_of
from storage.roles import ROLES, Role

log = logging.getLogger(__name__)
Json = dict[str, Any]

PREFIX = "setup."  # the action ids and callback ids this module answers
START, EXPORT = SET_UP, EXPORT_SETUP
PROTOCOL_VIEW, BOARDS_VIEW, PREVIEW_VIEW = "setup.protocol", "setup.boards", "setup.preview"
KEEP = "keep"  # the protocol select's value for "keep the protocol already loaded"
PROTOCOL_BLOCK, UPLOAD_BLOCK, DIGEST_BLOCK = "protocol", "upload", "digest"
ACK_BUDGET = 2  # seconds a step may spend reading an uploaded file before its ack
PREVIEW_EVENTS = 12
SHOWN_CHANGES = 40  # lines of a setup's changes shown in the modal
ERROR_TEXT = 500  # characters Slack shows under an input
BLOCKS_PER_BOARD = 2 + len(ROLES)  # its heading, its channel, one input per role
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")  # the form takes ids from Slack's pickers only
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def binding(channel: object, people: object) -> BoardBinding:
    """A board's channel and people as the form holds them: Slack ids, never names."""
    found = BoardBinding.model_validate({"channel": channel, "people": people})
    if found.channel is not None and not CHANNEL_ID.match(found.channel):
        raise ValueError("not a channel id")
    if not all(USER_ID.match(user) for user in found.people):
        raise ValueError("not a user id")
    return found


# -- who may ------------------------------------------------------------------------------


def is_admin(client: WebClient, user_id: str) -> bool:
    """A workspace admin or owner, as Slack says (users.info); False when Slack cannot say."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info failed: %s", exc.response.get("error"))
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def managed_by(user_id: str, team_id: str | None, *, session: Session, unbound: bool) -> set[int]:
    """The workspace's partnerships in which the person is a business manager of some board."""
    mine = {p.id for p in partnerships_in_workspace(team_id, session=session, unbound=unbound)}
    return {
        board.partnership_id
        for board, role in memberships_of(user_id, session=session)
        if role == Role.BUSINESS_MANAGER and board.partnership_id in mine
    }


def in_workspace(partnership: Partnership | None, team_id: str | None, *, unbound: bool) -> bool:
    """A partnership this workspace's requests may see: its own, or (`unbound`) one bound to
    none yet."""
    if partnership is None:
        return False
    return partnership.team_id == team_id or (unbound and partnership.team_id is None)


def may_change(
    partnership: Partnership,
    user_id: str,
    team_id: str | None,
    admin: bool,
    *,
    session: Session,
    unbound: bool,
) -> bool:
    if not in_workspace(partnership, team_id, unbound=unbound):
        return False
    return admin or partnership.id in managed_by(user_id, team_id, session=session, unbound=unbound)


def may_start(
    user_id: str, team_id: str | None, admin: bool, *, session: Session, unbound: bool
) -> bool:
    """A workspace with no partnership yet, its admins, and its business managers."""
    return (
        admin
        or not partnerships_in_workspace(team_id, session=session, unbound=unbound)
        or bool(managed_by(user_id, team_id, session=session, unbound=unbound))
    )


# -- the flow's state, carried in the view's private_metadata -----------------------------


@dataclass
class Draft:
    """What the person has chosen so far."""

    source: str  # "bundled:NAME", "file:FILE_ID" or "keep:KEY"
    key: str = ""  # the partnership's key (known once the protocol is read)
    digest: str | None = None
    boards: dict[str, BoardBinding] = field(default_factory=dict)

    def dump(self) -> str:
        boards = {
            k: {"c": b.channel, "p": {u: list(r) for u, r in b.people.items()}}
            for k, b in self.boards.items()
        }
        data = {"s": self.source, "k": self.key, "d": self.digest, "b": boards}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, text: str) -> Draft:
        try:
            data = json.loads(text or "{}")
            if data.get("d") is not None and not CHANNEL_ID.match(str(data["d"])):
                raise ValueError("not a channel id")
            boards = {
                k: binding(b.get("c"), b.get("p") or {}) for k, b in (data.get("b") or {}).items()
            }
            return cls(str(data["s"]), str(data.get("k") or ""), data.get("d"), boards)
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
            raise BoardbotError("this form's state is unreadable; open the setup again") from None


# -- reading the protocol -----------------------------------------------------------------


def protocol_of(client: WebClient, draft: Draft, *, session: Session, timeout: float) -> Protocol:
    """The protocol the draft names: a bundled one, an uploaded file, or the loaded one's."""
    kind, _, name = draft.source.partition(":")
    if kind == "bundled" and name in template_names():
        return load_protocol(name)
    if kind == "file":
        filename, text = download(client, name, timeout)
        return parse_protocol(text, filename)
    if kind == KEEP:
        stored = partnership_by_key(name, session=session)
        if stored is not None:
            return Protocol.model_validate(stored.protocol)
    raise BoardbotError("this form names no protocol boardbot knows; open the setup again")


def download(client: WebClient, file_id: str, timeout: float) -> tuple[str, str]:
    """(its name, its text) for a file a person uploaded: files.info, then its url_private
    read with the bot token (Slack's way for a bot to read a file shared with it). Each call
    has `timeout` seconds and one try, so that a step can still be acked in time."""
    quick = WebClient(token=client.token, base_url=client.base_url, timeout=max(1, int(timeout)))
    try:
        info = quick.files_info(file=file_id)["file"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise BoardbotError(f"Slack would not give boardbot the file ({error})") from None
    name, url = str(info.get("name") or "protocol.yaml"), str(info.get("url_private") or "")
    if int(info.get("size") or 0) > MAX_FILE_BYTES:
        raise BoardbotError(f"{name} is too large; protocol files are at most 1 MB")
    if not url.startswith(("https://", "http://")):
        raise BoardbotError(f"Slack gave no address for {name}; upload it again")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_FILE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise BoardbotError(f"Slack did not hand over {name} (HTTP {exc.code})") from None
    except OSError:
        raise BoardbotError(f"{name} could not be read from Slack in time; try again") from None
    if len(data) > MAX_FILE_BYTES:
        raise BoardbotError(f"{name} is too large; protocol files are at most 1 MB")
    try:
        return name, data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolInvalid(
            name, [Problem(1, "", "not UTF-8 text; protocol files are UTF-8 YAML")]
        ) from None


# -- the views ----------------------------------------------------------------------------


def _text(kind: str, text: str) -> Json:
    return {"type": kind, "text": text}


def _section(text: str) -> Json:
    return {"type": "section", "text": _text("mrkdwn", truncate(text, SECTION_TEXT))}


def _input(block_id: str, label: str, element: Json, *, optional: bool = True) -> Json:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _text("plain_text", truncate(label, LABEL)),
        "optional": optional,
        "element": {**element, "action_id": "value"},
    }


def _view(
    callback_id: str, title: str, blocks: list[Json], draft: Draft | None, submit: str | None
) -> Json:
    view: Json = {
        "type": "modal",
        "callback_id": callback_id,
        "title": _text("plain_text", title),
        "close": _text("plain_text", "Cancel" if submit else "Close"),
        "private_metadata": draft.dump() if draft else "",
        "blocks": blocks[:VIEW_BLOCKS],
    }
    if submit:
        view["submit"] = _text("plain_text", submit)
    if len(view["private_metadata"]) > PRIVATE_METADATA:
        raise BoardbotError(
            "this setup is too large for one form; write it as a setup file "
            "(Export setup gives one) and run `boardbot setup apply FILE`"
        )
    return view


def protocol_view(current: Partnership | None) -> Json:
    """Step 1: which protocol."""
    options: list[tuple[str, str]] = []
    if current is not None:
        options.append((f"{KEEP}:{current.key}", f"Keep {current.name}"))
    for name in template_names():
        options.append((f"bundled:{name}", f"{name}: {load_protocol(name).partnership.name}"))
    choices = [
        {"text": _text("plain_text", truncate(label, OPTION_TEXT)), "value": value}
        for value, label in options[:OPTIONS]
    ]
    select: Json = {
        "type": "static_select",
        "placeholder": _text("plain_text", "Choose…"),
        "options": choices,
    }
    if current is not None:
        select["initial_option"] = choices[0]
    upload = {"type": "file_input", "filetypes": ["yaml", "yml"], "max_files": 1}
    intro = (
        "Choose the protocol your boards signed: one that comes with boardbot, "
        "or upload your own YAML file (its format is in docs/protocol-format.md)."
    )
    blocks = [
        _section(escape(intro)),
        _input(PROTOCOL_BLOCK, "A bundled protocol", select),
        _input(UPLOAD_BLOCK, "Or your own protocol file", upload),
    ]
    draft = Draft(f"{KEEP}:{current.key}" if current else "")
    return _view(PROTOCOL_VIEW, "Set up a partnership", blocks, draft, "Next")


def boards_view(protocol: Protocol, draft: Draft) -> Json:
    """Step 2: each board's channel and its people, by role."""
    conversation = {
        "type": "conversations_select",
        "placeholder": _text("plain_text", "Choose a channel…"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    digest = dict(conversation)
    if draft.digest:
        digest["initial_conversation"] = draft.digest
    name = escape(protocol.partnership.name)
    blocks = [
        _section(f"*{name}*: give each board its channel and its people."),
        _input(DIGEST_BLOCK, "Channel for the weekly digest", digest),
    ]
    room = (VIEW_BLOCKS - len(blocks) - 1) // BLOCKS_PER_BOARD
    for board in protocol.boards[:room]:
        bound = draft.boards.get(board.key) or BoardBinding()
        channel = dict(conversation)
        if bound.channel:
            channel["initial_conversation"] = bound.channel
        blocks += [
            _section(f"*{escape(board.key.upper())}* {escape(board.name)}"),
            _input(f"channel.{board.key}", f"{board.key.upper()}'s channel", channel),
        ]
        for role in ROLES:
            users = {
                "type": "multi_users_select",
                "placeholder": _text("plain_text", "Choose people…"),
            }
            held = [u for u, roles in bound.people.items() if role in roles]
            if held:
                users["initial_users"] = held
            label = f"{board.key.upper()}: {role.label}"
            blocks.append(_input(f"people.{board.key}.{role.value}", label, users))
    hidden = protocol.boards[room:]
    if hidden:
        keys = ", ".join(b.key for b in hidden)
        blocks.append(_section(escape(f"Not shown (bind them with a setup file): {keys}")))
    return _view(BOARDS_VIEW, "Boards and people", blocks, draft, "Preview")


def preview_view(protocol: Protocol, draft: Draft, now: datetime) -> Json:
    """Step 3: the first prompts of the year ahead, as `boardbot simulate` plans them."""
    start = calendar.london_date(now)
    prompts = simulate(protocol, start, start + timedelta(days=365))
    found = events(prompts, protocol.partnership.year_start_month)
    rows: list[Line] = [
        (
            Bold(short_date(e.send_on)),
            f" {e.kind.replace('_', ' ')} · {', '.join(e.to)} · {e.title}",
        )
        for e in found[:PREVIEW_EVENTS]
    ]
    more = len(found) - len(rows)
    bound = sum(1 for b in draft.boards.values() if b.channel)
    people = len({u for b in draft.boards.values() for u in b.people})
    summary = (
        f"{protocol.partnership.name}: {len(protocol.boards)} boards, {bound} with a channel, "
        f"{people} people. In the year ahead boardbot sends {len(prompts)} prompts about "
        f"{len(found)} things, if nothing were done; the first:"
    )
    body = render_block(lines(summary, *(rows or [("No prompt in the year ahead.",)])))
    if more > 0:
        body.append({"type": "context", "elements": [_text("mrkdwn", f"and {more} more")]})
    if not any(
        Role.BUSINESS_MANAGER in r for b in draft.boards.values() for r in b.people.values()
    ):
        warning = "No board has a business manager: only workspace admins can change this later."
        body.append({"type": "context", "elements": [_text("mrkdwn", warning)]})
    return _view(PREVIEW_VIEW, "The year ahead", body, draft, "Set up")


def message_view(title: str, said: list[Line]) -> Json:
    """A closing view: what happened, one line each."""
    body = render_block(lines(*said)) or [_section("Done.")]
    return _view(PREVIEW_VIEW + ".done", title, body, None, None)


# -- reading a submitted view -------------------------------------------------------------


def state_of(view: Json) -> dict[str, Json]:
    """{block_id: the element's state} from a submitted view."""
    values = (view.get("state") or {}).get("values") or {}
    return {
        block: (elements.get("value") or next(iter(elements.values()), {}))
        for block, elements in values.items()
    }


def chosen_protocol(view: Json) -> tuple[str, dict[str, str]]:
    """Step 1's answer: the draft's source, or errors by block."""
    state = state_of(view)
    files = (state.get(UPLOAD_BLOCK) or {}).get("files") or []
    picked = ((state.get(PROTOCOL_BLOCK) or {}).get("selected_option") or {}).get("value")
    if files:
        return f"file:{files[0].get('id')}", {}
    if picked:
        return str(picked), {}
    return "", {PROTOCOL_BLOCK: "Choose a protocol, or upload your own file below."}


def chosen_boards(protocol: Protocol, draft: Draft, view: Json) -> tuple[Draft, dict[str, str]]:
    """Step 2's answer: each shown board's channel and people; a channel twice is an error."""
    state, errors = state_of(view), {}
    digest = (state.get(DIGEST_BLOCK) or {}).get("selected_conversation") or None
    if digest and not CHANNEL_ID.match(str(digest)):
        errors[DIGEST_BLOCK] = "Choose a channel from the list."
    boards = dict(draft.boards)
    owner: dict[str, str] = {}
    for board in protocol.boards:
        block = f"channel.{board.key}"
        if block not in state:
            continue  # not shown: kept as it is
        channel = state[block].get("selected_conversation") or None
        people: dict[str, list[Role]] = {}
        for role in ROLES:
            for user in selected_users(state, f"people.{board.key}.{role.value}"):
                people.setdefault(user, []).append(role)
        if channel and channel in owner:
            taken = owner[channel].upper()
            errors[block] = f"That channel is already {taken}'s; each board needs its own."
        elif channel:
            owner[channel] = board.key
        try:
            boards[board.key] = binding(channel, people)
        except (ValidationError, ValueError):  # not what Slack's pickers send
            errors[block] = "Choose the channel and people from the lists."
    return Draft(draft.source, draft.key, digest, boards), errors


def selected_users(state: dict[str, Json], block: str) -> list[str]:
    return [str(user) for user in (state.get(block) or {}).get("selected_users") or []]


def taken_elsewhere(draft: Draft, *, session: Session) -> dict[str, str]:
    """Channels that are another partnership's boards': an error under each."""
    errors = {}
    for key, binding in draft.boards.items():
        for other in boards_by_channel(binding.channel, session=session) if binding.channel else []:
            mine = partnership_by_key(draft.key, session=session)
            if mine is None or other.partnership_id != mine.id:
                errors[f"channel.{key}"] = "That channel belongs to another partnership's board."
    return errors


def draft_from(partnership: Partnership, *, session: Session) -> Draft:
    """A draft holding the partnership's current binding, to change it."""
    from bot.cli.setup import binding_of  # the shape `boardbot setup show` prints

    bound = binding_of(partnership.key, session=session)
    return Draft(
        f"{KEEP}:{partnership.key}", partnership.key, bound.digest_channel, dict(bound.boards)
    )


# -- applying -----------------------------------------------------------------------------


@dataclass
class Applied:
    changes: list[str]
    joined: list[str]
    private: list[str]
    failed: list[tuple[str, str]]

    def said(self, name: str, bot_user: str) -> list[Line]:
        said: list[Line] = [
            (f"{name} is set up." if self.changes else f"{name}: nothing changed.",)
        ]
        said += [(f"• {change}",) for change in self.changes[:SHOWN_CHANGES]]
        if len(self.changes) > SHOWN_CHANGES:
            said.append((f"and {len(self.changes) - SHOWN_CHANGES} more changes",))
        if self.joined:
            said.append(("boardbot joined ", *_channels(self.joined), "."))
        if self.private:
            invite = Code(f"/invite @{bot_user}")
            said.append(
                ("Private channels: in each of ", *_channels(self.private), ", type ", invite, ".")
            )
        for channel, error in self.failed:
            said.append(("boardbot could not join ", ChannelRef(channel), f" ({error})."))
        return said


def _channels(ids: list[str]) -> Line:
    parts: Line = ()
    for number, channel in enumerate(ids):
        parts += (", " if number else "", ChannelRef(channel))
    return parts


def apply_draft(
    client: WebClient,
    engine: Engine,
    draft: Draft,
    *,
    user_id: str,
    team_id: str | None,
    enterprise_id: str | None,
    now: datetime,
    admin: Callable[[], bool],
    unbound: bool,
) -> tuple[str, Applied]:
    """Apply the draft in one transaction as `boardbot setup apply` does, then join channels.
    `unbound`: whether a partnership not yet bound to a workspace is this workspace's to bind."""
    with transaction(engine) as session:
        protocol = protocol_of(client, draft, session=session, timeout=10)
        key = protocol.partnership.key
        existing = partnership_by_key(key, session=session)
        if existing is not None and not in_workspace(existing, team_id, unbound=unbound):
            raise BoardbotError(f"partnership '{key}' belongs to another Slack workspace")
        if existing is not None and not may_change(
            existing, user_id, team_id, admin(), session=session, unbound=unbound
        ):
            raise BoardbotError(f"only {existing.name}'s business managers may change its setup")
        if existing is None and not may_start(
            user_id, team_id, admin(), session=session, unbound=unbound
        ):
            raise BoardbotError("only a workspace admin may set up another partnership here")
        changes: list[str] = []
        if existing is not None and not draft.source.startswith(f"{KEEP}:"):
            loaded = store_protocol(protocol, session=session, now=now, actor=user_id)
            if loaded.created or loaded.updated or loaded.retired:
                changes.append(f"protocol loaded: {loaded.summary()}")
            session.flush()
        setup = SetupFile.model_construct(
            partnership=key, digest_channel=draft.digest, boards=draft.boards
        )
        setup._protocol, setup._key = protocol, key
        report = apply_setup(
            setup,
            session=session,
            now=now,
            actor=user_id,
            team_id=team_id,
            enterprise_id=enterprise_id,
        )
        changes += report.changes
        name = protocol.partnership.name
    channels = [b.channel for b in draft.boards.values() if b.channel]
    channels += [draft.digest] if draft.digest and draft.digest not in channels else []
    return name, Applied(changes, *join(client, channels))


def join(
    client: WebClient, channels: list[str]
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(joined, private ones that need an /invite, ones Slack refused with why)."""
    joined: list[str] = []
    private: list[str] = []
    failed: list[tuple[str, str]] = []
    for channel in dict.fromkeys(channels):
        try:
            client.conversations_join(channel=channel)
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in ("method_not_supported_for_channel_type", "channel_not_found"):
                # Private: boardbot cannot join it; one it is in already needs nothing.
                (joined if member_of(client, channel) else private).append(channel)
            else:
                failed.append((channel, error))
            continue
        joined.append(channel)
    return joined, private, failed


def member_of(client: WebClient, channel: str) -> bool:
    try:
        return bool(client.conversations_info(channel=channel)["channel"].get("is_member"))
    except SlackApiError:
        return False  # a private channel boardbot is not in is one it cannot see


def export(client: WebClient, partnership: Partnership, user_id: str, *, session: Session) -> None:
    """The partnership's setup as a file in the person's DM, for `boardbot setup apply`."""
    from bot.cli.setup import binding_of, render_setup  # what `boardbot setup show` prints

    text = render_setup(binding_of(partnership.key, session=session))
    file = OutgoingFile(f"{partnership.key}-setup.yaml", f"{partnership.name} setup", text.encode())
    comment = "The current setup. `boardbot setup apply FILE` applies it (or a changed copy)."
    send_files(client, user_id, [file], comment=comment)
