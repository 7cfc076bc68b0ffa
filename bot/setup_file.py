"""A partnership bound to a Slack workspace: the setup file, applying it, and showing it back."""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, ValidationError
from sqlmodel import Session

from schedules import calendar
from schedules.protocol.errors import problems_from
from schedules.protocol.loader import ProtocolInvalid, load_protocol, template_names
from schedules.protocol.model import Protocol, Strict
from schedules.protocol.store import store_protocol
from schedules.protocol.yamlsource import Problem, YamlSource, YamlSyntaxError, parse_yaml
from storage.errors import BoardbotError
from storage.models import Board, Membership, PartnerContact, Partnership, Person
from storage.queries.audit import Auditor
from storage.queries.boards import (
    bind_channel,
    board_by_key,
    boards_by_channel,
    boards_of,
    sharing,
)
from storage.queries.partnerships import partnership_by_key, partnership_keys, started_using
from storage.queries.people import ensure_person, memberships_by_holder, partner_contact_rows
from storage.roles import ROLE_NAMES, ROLES, Role

ROLE_LIST = ROLE_NAMES
HINTS: dict[str, str] = {
    "partnership": "a bundled protocol name such as rutland, or the path of a protocol file",
    "boards": "board keys, each {channel: C0HWB, people: {U0HWBCHAIR: chair}}",
    "people": (
        "Slack user ids (or e-mail addresses) and their roles, e.g. {U0HWBCHAIR: chair}; "
        f"roles: {ROLE_LIST}"
    ),
    "team": "the Slack workspace's team id, e.g. T0123ABCD",
    "partners": "partner keys, each {people: {U0CAB: contact}}",
}
CONTACT = "contact"  # a partner's person: hears its prompts by direct message


def _slack_id(pattern: str, what: str, example: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(f"'{value}' is not a Slack {what} id; write an id such as {example}")
        return value

    return AfterValidator(check)


def _roles(value: object) -> tuple[str, ...]:
    """One role or a list of roles; the same person may hold several on one board."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise ValueError(f"{value!r} is not a role; write one of {ROLE_LIST}, or a list of them")
    for name in names:
        if name not in ROLES:
            raise ValueError(f"'{name}' is not a role; write one of {ROLE_LIST}")
    return tuple(dict.fromkeys(names))


def _string_keys(value: object) -> object:
    # YAML reads an unquoted 12345 as a number; say what is wrong with it as an id instead.
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


ChannelId = Annotated[
    str,
    _slack_id(
        r"^([CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$", "channel", "C0123ABCD, or #its-name"
    ),
]
UserId = Annotated[
    str,
    _slack_id(
        r"^([UW][A-Z0-9]{2,}|[^@\s]+@[^@\s]+\.[^@\s]+)$", "user", "U0123ABCD, or their e-mail"
    ),
]
TeamId = Annotated[str, _slack_id(r"^T[A-Z0-9]{2,}$", "team", "T0123ABCD")]
Roles = Annotated[tuple[Role, ...], BeforeValidator(_roles)]
People = Annotated[dict[UserId, Roles], BeforeValidator(_string_keys)]


class BoardBinding(Strict):
    """A board's channel and exactly who holds which role on it."""

    channel: ChannelId | None = None
    people: People = Field(default_factory=dict)


Boards = Annotated[dict[str, BoardBinding], BeforeValidator(_string_keys)]


def _contact(value: object) -> str:
    if value != CONTACT:
        shown = value if isinstance(value, str) else "a list or mapping"
        raise ValueError(f"'{shown}' is not a partner's role; write {CONTACT}, e.g. U0CAB: contact")
    return CONTACT


# A partner's people are written as Slack ids (e-mail addresses are resolved for boards only).
ContactId = Annotated[str, _slack_id(r"^[UW][A-Z0-9]{2,}$", "user", "U0123ABCD")]
Contacts = Annotated[
    dict[ContactId, Annotated[str, BeforeValidator(_contact)]], BeforeValidator(_string_keys)
]


class PartnerBinding(Strict):
    """The people who hear for a partner that is not a board (Cabinet, the Leader), by DM."""

    people: Contacts = Field(default_factory=dict)


Partners = Annotated[dict[str, PartnerBinding], BeforeValidator(_string_keys)]


class SetupFile(Strict):
    """`boardbot setup apply FILE`: which workspace and partnership, its digest channel, its
    boards. Channels may be written `#name` and people as e-mail addresses: `resolve_names`
    turns them into ids through Slack before the file is applied."""

    partnership: str = Field(min_length=1, max_length=500)
    digest_channel: ChannelId | None = None
    boards: Boards = Field(default_factory=dict)
    team: TeamId | None = None  # written first in a file, by convention
    partners: Partners = Field(default_factory=dict)
    _protocol: Protocol | None = PrivateAttr(default=None)
    _key: str = PrivateAttr(default="")
    _source: YamlSource | None = PrivateAttr(default=None)

    def line_of(self, *loc: str) -> int:
        """The line in the file of a field (1 when the file was not read from text)."""
        return self._source.line_of(loc) if self._source is not None else 1

    @property
    def names(self) -> bool:
        """True when a channel is written `#name` or a person as an e-mail address."""
        channels = [self.digest_channel, *(b.channel for b in self.boards.values())]
        people = [user for b in self.boards.values() for user in b.people]
        return any(c and c.startswith("#") for c in channels) or any("@" in u for u in people)

    @property
    def protocol(self) -> Protocol | None:
        """The protocol to load when the partnership is not in the database yet."""
        return self._protocol

    @property
    def partnership_key(self) -> str:
        return self._key or self.partnership


@dataclass
class SetupInvalid(ProtocolInvalid):
    """A setup file with problems; each renders as FILE:LINE: field: message."""


def parse_setup(
    text: str, filename: str = "<setup>", *, session: Session | None = None
) -> SetupFile:
    """The setup file, with its board keys checked against the partnership's protocol.

    `partnership:` is a bundled name, a protocol file (relative to the setup file or the
    working directory) or, given a session, the key of a partnership already loaded.
    """
    source = _source(text, filename)
    problems = list(source.duplicates)
    setup, resolved = None, None
    try:
        setup = SetupFile.model_validate(source.data)
    except ValidationError as exc:
        problems += [_with_allowed(p) for p in problems_from(exc, source, SetupFile, HINTS)]
    name = source.data.get("partnership")
    if isinstance(name, str) and name.strip():
        try:
            resolved = _resolve(name, filename, session)
        except ProtocolInvalid:
            raise  # the protocol file's own problems, at its own lines
        except BoardbotError as exc:
            problems.append(Problem(source.line_of(("partnership",)), "partnership", exc.message))
        else:
            problems += _unknown_boards(source.data.get("boards"), resolved[1], source)
            known = _partner_keys(name, resolved[0], session)
            problems += _unknown_partners(source.data.get("partners"), known, source)
    if setup is not None:
        problems += _shared_channels(setup, source)
    if problems or setup is None or resolved is None:
        raise SetupInvalid(filename, sorted(problems, key=lambda p: p.line))
    setup._protocol = resolved[0]
    setup._key = resolved[0].partnership.key if resolved[0] else name
    setup._source = source
    return setup


class Directory(typing.Protocol):
    """A workspace's channels by name and people by e-mail (bot/slack_directory.py asks Slack)."""

    def channel_id(self, name: str) -> str | None:
        """The id of the channel `name` (without its #), or None when there is none."""
        ...

    def user_id(self, email: str) -> str | None:
        """The id of the person with this e-mail address, or None when there is none."""
        ...


def resolve_names(setup: SetupFile, directory: Directory, filename: str) -> SetupFile:
    """The file with every `#channel` and e-mail address replaced by its Slack id; each one the
    workspace does not have is a FILE:LINE: problem, and nothing is applied."""
    problems: list[Problem] = []

    def channel(value: str | None, *loc: str) -> str | None:
        if not value or not value.startswith("#"):
            return value
        found = directory.channel_id(value[1:])
        if found is None:
            problems.append(Problem(setup.line_of(*loc), ".".join(loc), no_channel(value)))
        return found or value

    def person(value: str, *loc: str) -> str:
        if "@" not in value:
            return value
        found = directory.user_id(value)
        if found is None:
            message = f"no one in this workspace has the e-mail address {value}"
            problems.append(Problem(setup.line_of(*loc), ".".join(loc), message))
        return found or value

    boards: dict[str, BoardBinding] = {}
    for key, binding in setup.boards.items():
        people: dict[str, tuple[Role, ...]] = {}
        for user, roles in binding.people.items():
            user_id = person(user, "boards", key, "people", user)
            people[user_id] = tuple(dict.fromkeys([*people.get(user_id, ()), *roles]))
        bound = channel(binding.channel, "boards", key, "channel")
        boards[key] = BoardBinding.model_construct(channel=bound, people=people)
    digest = channel(setup.digest_channel, "digest_channel")
    if problems:
        raise SetupInvalid(filename, sorted(problems, key=lambda p: p.line))
    resolved = setup.model_copy(update={"digest_channel": digest, "boards": boards})
    resolved._protocol, resolved._key, resolved._source = setup.protocol, setup._key, setup._source
    return resolved


def no_channel(name: str) -> str:
    return (
        f"no channel called {name} that boardbot can see in this workspace; check the name, "
        f"or for a private channel /invite boardbot to it first"
    )


def _source(text: str, filename: str) -> YamlSource:
    try:
        source = parse_yaml(text, "setup files")
    except YamlSyntaxError as exc:
        raise SetupInvalid(filename, [exc.problem]) from None
    if not isinstance(source.data, dict):
        message = "the file should be a mapping with partnership:, digest_channel:, boards:"
        raise SetupInvalid(filename, [Problem(1, "", message)])
    return source


def _with_allowed(problem: Problem) -> Problem:
    # problems_from cannot see through a mapping keyed by board; name the board's fields here.
    if problem.message == "unknown field" and problem.field.startswith("boards."):
        allowed = ", ".join(BoardBinding.model_fields)
        return Problem(problem.line, problem.field, f"unknown field; allowed here: {allowed}")
    if problem.message == "unknown field" and problem.field.startswith("partners."):
        message = "unknown field; allowed here: people, e.g. cabinet: {people: {U0CAB: contact}}"
        return Problem(problem.line, problem.field, message)
    return problem


def _resolve(
    name: str, filename: str, session: Session | None
) -> tuple[Protocol | None, list[str]]:
    """(protocol to load if absent, the board keys to bind); the database wins when loaded."""
    stored = partnership_by_key(name, session=session) if session else None
    if session is not None and stored is not None:
        return None, _board_keys(stored, session)
    nearby = Path(filename).parent / name
    use_nearby = name not in template_names() and nearby.is_file()
    protocol = load_protocol(str(nearby) if use_nearby else name)
    if session is not None:
        stored = partnership_by_key(protocol.partnership.key, session=session)
        if stored is not None:
            return protocol, _board_keys(stored, session)
    return protocol, protocol.board_keys


def _board_keys(partnership: Partnership, session: Session) -> list[str]:
    assert partnership.id is not None
    return [b.key for b in boards_of(partnership.id, session=session)]


def _unknown_boards(boards: object, keys: list[str], source: YamlSource) -> list[Problem]:
    known = ", ".join(keys)
    return [
        Problem(
            source.line_of(("boards", str(key))),
            f"boards.{key}",
            f"unknown board key '{key}'; use one of {known}",
        )
        for key in (boards if isinstance(boards, dict) else {})
        if str(key) not in keys
    ]


def _partner_keys(name: str, protocol: Protocol | None, session: Session | None) -> list[str]:
    """The partners the file may bind: the stored protocol's, else the one to be loaded."""
    key = protocol.partnership.key if protocol else name
    stored = partnership_by_key(key, session=session) if session else None
    if stored is not None:
        return [str(p["key"]) for p in stored.protocol.get("partners", [])]
    return protocol.partner_keys if protocol else []


def _unknown_partners(partners: object, keys: list[str], source: YamlSource) -> list[Problem]:
    known = f"use one of {', '.join(keys)}" if keys else "the protocol names no partners"
    return [
        Problem(
            source.line_of(("partners", str(key))),
            f"partners.{key}",
            f"unknown partner key '{key}'; {known}",
        )
        for key in (partners if isinstance(partners, dict) else {})
        if str(key) not in keys
    ]


def _shared_channels(setup: SetupFile, source: YamlSource) -> list[Problem]:
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for key, binding in setup.boards.items():
        channel = binding.channel
        if channel and channel in owner:
            where = ("boards", key, "channel")
            message = f"{channel} is already {owner[channel]}'s channel; each board needs its own"
            problems.append(Problem(source.line_of(where), f"boards.{key}.channel", message))
        elif channel:
            owner[channel] = key
    return problems


@dataclass
class SetupReport:
    """What applying a setup file changed, one line per change."""

    partnership: str
    changes: list[str] = field(default_factory=list)

    def render(self) -> str:
        if not self.changes:
            return f"{self.partnership}: no changes"
        count = len(self.changes)
        return "\n".join([*self.changes, f"{self.partnership}: {count} change" + "s" * (count > 1)])


@dataclass
class _Changes:
    auditor: Auditor
    report: SetupReport

    def __call__(self, said: str | None, action: str, row: Any, before: Any, after: Any) -> None:
        if said:
            self.report.changes.append(said)
        entity = type(row).__name__.lower()
        self.auditor.record(action, entity, row.id, before=before, after=after)


def apply_setup(
    setup: SetupFile,
    *,
    session: Session,
    now: datetime,
    actor: str = "cli",
    since: date | None = None,
    team_id: str | None = None,
    enterprise_id: str | None = None,
) -> SetupReport:
    """Make the database say what the file says; idempotent, audited, in the caller's transaction.

    The protocol is loaded only when absent (`boardbot protocols load` updates it). For each
    board in the file, the channel and the roles become exactly the file's; other boards stay.
    A channel that is already another partnership's board of the same kind makes the two one
    board: its people are then set for both, and the report names the other partnerships.
    The partnership starts using boardbot on `since`, else today (a start already noted that is
    earlier stays: applying again keeps the first day).
    `team_id` (else the file's `team:`) is the workspace the partnership belongs to: one not yet
    bound is bound to it, one bound to another workspace is refused. Channels and people must be
    ids by now (`resolve_names`).
    """
    team = team_id or setup.team
    if setup.team and team != setup.team:
        raise BoardbotError(f"team: the file is for {setup.team}, not this workspace ({team})")
    report = SetupReport(setup.partnership_key)
    partnership = partnership_by_key(setup.partnership_key, session=session)
    if partnership is None:
        if setup.protocol is None:
            raise BoardbotError(f"partnership '{setup.partnership_key}' is not loaded")
        loaded = store_protocol(setup.protocol, session=session, now=now, actor=actor)
        report.changes.append(f"protocol loaded: {loaded.summary()}")
        session.flush()
        partnership = partnership_by_key(setup.partnership_key, session=session)
    assert partnership is not None and partnership.id is not None
    if team and partnership.team_id not in (None, team):
        raise BoardbotError(
            f"partnership '{partnership.key}' belongs to another Slack workspace; "
            "each partnership belongs to one"
        )
    bound = _boards_of(setup, partnership.id, session)
    change = _Changes(Auditor(session, now, actor, partnership.id), report)
    if team and partnership.team_id is None:
        partnership.team_id, partnership.enterprise_id = team, enterprise_id
        fields = {"team_id": team, "enterprise_id": enterprise_id}
        said = f"{partnership.key}: workspace none -> {team}"
        change(said, "partnership.workspace_set", partnership, {"team_id": None}, fields)
    if partnership.digest_channel != setup.digest_channel:
        before = partnership.digest_channel
        partnership.digest_channel = setup.digest_channel
        change(
            f"{partnership.key}: digest channel {_from_to(before, setup.digest_channel)}",
            "partnership.digest_channel_set",
            partnership,
            {"digest_channel": before},
            {"digest_channel": setup.digest_channel},
        )
    for board, binding in bound:
        _bind_channel(board, binding.channel, session, change)
        _bind_people(board, binding.people, session, change)
    for key, partner in setup.partners.items():
        _bind_contacts(partnership.id, key, list(partner.people), session, change)
    _start(partnership, since or calendar.london_date(now), since is not None, change)
    if report.changes:
        change(None, "setup.applied", partnership, None, {"changes": list(report.changes)})
    return report


def _start(partnership: Partnership, day: date, given: bool, change: _Changes) -> None:
    before = partnership.started_on
    if started_using(partnership, day, given=given):
        change(
            f"{partnership.key}: started using boardbot on {day.isoformat()}",
            "partnership.started",
            partnership,
            {"started_on": before.isoformat() if before else None},
            {"started_on": day.isoformat()},
        )


def _from_to(before: str | None, after: str | None) -> str:
    return f"{before or 'none'} -> {after or 'none'}"


def _boards_of(
    setup: SetupFile, partnership_id: int, session: Session
) -> list[tuple[Board, BoardBinding]]:
    """The file's boards as rows, refusing a channel that another board keeps."""
    bound = []
    for key, binding in setup.boards.items():
        board = board_by_key(partnership_id, key, session=session)
        if board is None:
            known = ", ".join(b.key for b in boards_of(partnership_id, session=session))
            raise BoardbotError(f"boards.{key}: no such board; the boards are {known}")
        bound.append((board, binding))
    listed = {board.id for board, _ in bound}
    for board, binding in bound:
        found = boards_by_channel(binding.channel, session=session) if binding.channel else []
        for other in found:
            if other.id in listed:
                continue
            where = f"boards.{board.key}.channel: {binding.channel}"
            if other.partnership_id == partnership_id:
                raise BoardbotError(
                    f"{where} is already {other.key.upper()}'s channel; "
                    "each board needs a channel of its own"
                )
            if other.kind != board.kind:
                theirs = partnership_key_of(other, session)
                raise BoardbotError(
                    f"{where} is {theirs}:{other.key}'s channel, a {_kind(other.kind)} board; "
                    f"{board.key} is a {_kind(board.kind)} board, so they cannot be one board. "
                    f"Give {board.key} a channel of its own, or check the two protocols' kinds"
                )
    return bound


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


def partnership_key_of(board: Board, session: Session) -> str:
    keys = dict(partnership_keys(session=session))
    return keys.get(board.partnership_id, str(board.partnership_id))


def _shared_with(board: Board, session: Session) -> str:
    """' (one board with city:chscb, …)' for a shared board; '' otherwise."""
    others = [f"{p.key}:{b.key}" for b, p in sharing(board, session=session)]
    return f" (one board with {', '.join(others)})" if others else ""


def _bind_channel(board: Board, channel: str | None, session: Session, change: _Changes) -> None:
    if board.channel_id == channel:
        return
    before, was_shared = board.channel_id, _shared_with(board, session)
    partners = bind_channel(board, channel, session=session)
    action = "board.channel_linked" if channel else "board.channel_unlinked"
    now_shared = _shared_with(board, session) if partners else ""
    said = f"{board.key}: channel {_from_to(before, channel)}{now_shared}"
    if was_shared and not partners:
        said += f"; no longer {was_shared.removeprefix(' (').removesuffix(')')}"
    after = {"channel_id": channel, "shared_with": [f"{p.key}:{b.key}" for b, p in partners]}
    change(said, action, board, {"channel_id": before}, after)


def _bind_people(
    board: Board, people: Mapping[str, tuple[Role, ...]], session: Session, change: _Changes
) -> None:
    assert board.id is not None
    held = memberships_by_holder(board.id, session=session)
    wanted = [(user, role) for user, roles in people.items() for role in roles]
    seen = [f"{p.key} ({b.key})" for b, p in sharing(board, session=session)]
    also = f"; also seen by {', '.join(seen)}" if seen else ""
    for user, role in wanted:
        if (user, role) in held:
            continue
        person = ensure_person(user, session=session)
        assert person.id is not None and board.id is not None
        membership = Membership(person_id=person.id, board_id=board.id, role=role)
        session.add(membership)
        session.flush()
        fields = {"board": board.key, "user": user, "role": role}
        said = f"{board.key}: {user} added as {role}{also}"
        change(said, "board.role_added", membership, None, fields)
    for (user, role), membership in held.items():
        if (user, role) not in wanted:
            fields = {"board": board.key, "user": user, "role": role}
            said = f"{board.key}: {user} removed as {role} (not in the file{also})"
            change(said, "board.role_removed", membership, fields, None)
            session.delete(membership)


def _bind_contacts(
    partnership_id: int, key: str, people: list[str], session: Session, change: _Changes
) -> None:
    """The partner's people become exactly the file's."""
    rows = partner_contact_rows(partnership_id, session=session)
    held = {c.person_id for c in rows if c.partner_key == key}
    for user in people:
        person = ensure_person(user, session=session)
        assert person.id is not None
        if person.id in held:
            continue
        contact = PartnerContact(
            partnership_id=partnership_id, partner_key=key, person_id=person.id
        )
        session.add(contact)
        session.flush()
        fields = {"partner": key, "user": user}
        change(f"{key}: {user} added as {CONTACT}", "partner.contact_added", contact, None, fields)
    wanted = {ensure_person(user, session=session).id for user in people}
    for contact in rows:
        if contact.partner_key == key and contact.person_id not in wanted:
            gone = session.get(Person, contact.person_id)
            fields = {"partner": key, "user": gone.slack_user_id if gone else ""}
            said = f"{key}: {fields['user']} removed as {CONTACT} (not in the file)"
            change(said, "partner.contact_removed", contact, fields, None)
            session.delete(contact)
