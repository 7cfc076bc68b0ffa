"""Who is asking, where, when; which partnership they mean; and what they may do."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from commands.reply import FieldError
from commands.words import parse_id
from storage.errors import BoardbotError
from storage.models import AuditEntry, Board, Partnership
from storage.queries.audit import Auditor
from storage.queries.boards import (
    board_by_channel,
    board_by_key,
    boards_by_channel,
    boards_of,
    boards_with_key,
)
from storage.queries.partnerships import (
    partnership_by_key,
    partnerships_by_digest_channel,
    partnerships_in_workspace,
)
from storage.queries.people import contact_partnerships, memberships_of, roles_on
from storage.queries.records import Row, record_in_partnership
from storage.roles import Role, either

CHANNEL = re.compile(r"^#([CG][A-Z0-9]+)$")  # a channel, as the edge passes it on: #C0123ABCD
QUALIFIED = re.compile(r"^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)$", re.IGNORECASE)  # CITY:CHSCB
PERSON = re.compile(r"^@([UW][A-Z0-9]+)$")  # a person: @U0123ABCD


@dataclass
class Invocation:
    """One request: the person, the channel it came from, the instant, the open session."""

    session: Session
    user_id: str
    channel_id: str
    now: datetime
    trigger_id: str | None = None
    public_url: str | None = None  # BOARDBOT_PUBLIC_URL, for links to boardbot's own pages
    # The Slack workspace asking: only its partnerships (and not-yet-bound ones) answer; every
    # record named by id is looked up within the partnership resolved here.
    team_id: str | None = None
    # A partnership not yet bound to a workspace answers every workspace's requests where one
    # workspace is served (SLACK_BOT_TOKEN); where workspaces install by OAuth it answers none.
    unbound_visible: bool = True
    _partnership: Partnership | None = field(default=None, repr=False)
    _visible: list[Partnership] | None = field(default=None, repr=False)

    @property
    def partnership(self) -> Partnership:
        if self._partnership is None:
            self._partnership = resolve_partnership(self)
        return self._partnership

    @property
    def partnership_id(self) -> int:
        assert self.partnership.id is not None
        return self.partnership.id

    @property
    def audit(self) -> Callable[..., AuditEntry]:
        """Record this person's change: `inv.audit(action, entity, id, before=…, after=…)`, in
        this request's transaction."""
        return Auditor(self.session, self.now, self.user_id, self.partnership_id).record


def visible(inv: Invocation) -> list[Partnership]:
    """The asking workspace's partnerships (and those not yet bound to one), read once a request:
    settling the partnership asks for them several times."""
    if inv._visible is None:
        inv._visible = partnerships_in_workspace(
            inv.team_id, session=inv.session, unbound=inv.unbound_visible
        )
    return inv._visible


def channel_partnerships(inv: Invocation) -> set[int]:
    """The partnerships whose board (a shared board: several) or digest this channel is."""
    session = inv.session
    found = {b.partnership_id for b in boards_by_channel(inv.channel_id, session=session)}
    found |= {p.id for p in partnerships_by_digest_channel(inv.channel_id, session=session) if p.id}
    return found & {p.id for p in visible(inv)}


def person_partnerships(inv: Invocation) -> set[int]:
    found = {b.partnership_id for b, _ in memberships_of(inv.user_id, session=inv.session)}
    found |= set(contact_partnerships(inv.user_id, session=inv.session))  # a partner's people
    return found & {p.id for p in visible(inv)}


def resolve_partnership(inv: Invocation) -> Partnership:
    """The partnership of the channel, else of the person's boards, else the only one set up;
    only ever one of the asking workspace's partnerships (a board key, record id, button value
    or form's metadata from another workspace is then simply not found in it). In a shared
    board's channel, the one of its partnerships the person is in, if only one."""
    from_channel, from_person = channel_partnerships(inv), person_partnerships(inv)
    everything = visible(inv)
    shared = from_channel & from_person if len(from_channel) > 1 else set()
    for candidates in (from_channel, shared, from_person, {p.id for p in everything}):
        if len(candidates) == 1:
            (pid,) = candidates
            return next(p for p in everything if p.id == pid)
    if not everything:
        raise BoardbotError(
            "no partnership is set up yet; an administrator runs "
            "`boardbot protocols load NAME` and `boardbot setup apply FILE`"
        )
    if len(from_channel) > 1:
        keys = {p.id: p.key for p in everything}
        here = boards_by_channel(inv.channel_id, session=inv.session)
        forms = " or ".join(f"{keys[b.partnership_id]}:{b.key}" for b in here)
        raise BoardbotError(
            "this channel's board belongs to several partnerships; name the board with its "
            f"partnership, {forms}"
        )
    raise BoardbotError(
        "this workspace has several partnerships; use the command in one of your board's channels"
    )


def board_arg(inv: Invocation, token: str, *, usage: str | None = None) -> Board:
    """A board from its key (any case), `PARTNERSHIP:KEY` or its channel (`#C123`).

    A key means the board of the command's partnership when the channel settles it; otherwise
    (or when that partnership has no such board) the board of that key in any partnership of
    the channel or of the person, and a key that several of them use is refused with the
    `PARTNERSHIP:KEY` forms. The board found settles the command's partnership.
    """
    session = inv.session
    match, qualified = CHANNEL.match(token), QUALIFIED.match(token)
    if match:
        seen = {p.id for p in visible(inv)}
        here = boards_by_channel(match.group(1), session=session)
        found = [b for b in here if b.partnership_id in seen]
        if not found:
            raise BoardbotError(f"{token} is not linked to a board", usage=usage)
        return _settle(inv, _one(inv, token, found, usage), usage)
    if qualified:
        partnership = partnership_by_key(qualified.group(1).lower(), session=session)
        seen = {p.id for p in visible(inv)}
        pid = partnership.id if partnership and partnership.id in seen else None
        board = board_by_key(pid, qualified.group(2), session=session) if pid else None
        if board is None:
            raise BoardbotError(f"no board called '{token}'; {_known(inv)}", usage=usage)
        return _settle(inv, board, usage)
    settled = inv._partnership.id if inv._partnership else None
    from_channel = channel_partnerships(inv)
    first = settled or (next(iter(from_channel)) if len(from_channel) == 1 else None)
    board = board_by_key(first, token, session=session) if first else None
    if board is not None:
        return _settle(inv, board, usage)
    candidates = {settled} if settled else from_channel | person_partnerships(inv)
    if not candidates:
        candidates = {inv.partnership_id}  # the only partnership, or the refusal saying why
    found = [b for b, _ in boards_with_key(token, candidates, session=session)]
    if not found:
        raise BoardbotError(f"no board called '{token}'; {_known(inv)}", usage=usage)
    return _settle(inv, _one(inv, token, found, usage), usage)


def _one(inv: Invocation, token: str, found: list[Board], usage: str | None) -> Board:
    """The one board found, or a refusal listing each as PARTNERSHIP:KEY."""
    if inv._partnership is not None:
        mine = [b for b in found if b.partnership_id == inv.partnership_id]
        if len(mine) == 1:
            return mine[0]
    if len(found) == 1:
        return found[0]
    keys = {p.id: p.key for p in visible(inv)}
    forms = ", ".join(f"{keys[b.partnership_id]}:{b.key}" for b in found)
    raise BoardbotError(
        f"'{token}' names a board in more than one of your partnerships; write one of {forms}",
        usage=usage,
    )


def _settle(inv: Invocation, board: Board, usage: str | None) -> Board:
    """The board's partnership becomes the command's; a board of another one is refused."""
    if inv._partnership is None:
        inv._partnership = next(p for p in visible(inv) if p.id == board.partnership_id)
    elif inv._partnership.id != board.partnership_id:
        raise BoardbotError(
            f"{board.key.upper()} is a board of another partnership than "
            f"{inv._partnership.key}'s; name boards of one partnership, e.g. "
            f"{inv._partnership.key}:KEY",
            usage=usage,
        )
    return board


def _known(inv: Invocation) -> str:
    """'the boards are …': the command's partnership's, else the person's as PARTNERSHIP:KEY."""
    try:
        keys = [b.key for b in boards_of(inv.partnership_id, session=inv.session)]
    except BoardbotError:
        keys = [
            f"{p.key}:{b.key}"
            for p in visible(inv)
            if p.id in channel_partnerships(inv) | person_partnerships(inv)
            for b in boards_of(p.id, session=inv.session)
        ]
    return f"the boards are {', '.join(keys)}"


def channel_board(inv: Invocation) -> Board | None:
    """The board whose channel the command came from, if any."""
    return board_by_channel(inv.partnership_id, inv.channel_id, session=inv.session)


def listed_board(inv: Invocation, args: list[str], *, usage: str | None = None) -> Board | None:
    """The board a listing is about: the one named; else, in a board's channel, that board;
    `all` (or no board, elsewhere) the whole partnership."""
    if args and args[0].lower() == "all":
        return None
    if args:
        return board_arg(inv, args[0], usage=usage)
    return channel_board(inv)


def board_or_here(inv: Invocation, token: str, *, usage: str | None = None) -> Board | None:
    """The board `token` names; else, in a board's channel, None (the command is about that
    board and `token` is the start of the rest); else the refusal naming the boards."""
    if CHANNEL.match(token) or board_by_key(inv.partnership_id, token.lower(), session=inv.session):
        return board_arg(inv, token, usage=usage)
    if channel_board(inv) is not None:
        return None
    return board_arg(inv, token, usage=usage)  # raises, naming the boards


def user_arg(token: str, *, usage: str | None = None) -> str:
    match = PERSON.match(token)
    if match:
        return match.group(1)
    raise BoardbotError(f"'{token}' is not a person; mention them, e.g. @name", usage=usage)


def require_role(inv: Invocation, board: Board, roles: tuple[Role, ...], doing: str) -> Role:
    """The role that allows `doing`, or a refusal naming the roles that would."""
    assert board.id is not None
    held = roles_on(board.id, inv.user_id, session=inv.session)
    for role in roles:
        if role in held:
            return role
    raise BoardbotError(f"to {doing} you need to be {board.key.upper()}'s {either(roles)}")


def record_arg(
    inv: Invocation, model: type[Row], token: str, what: str, missing: str, usage: str | None
) -> Row:
    """The record of this partnership that an id names (typed, or a button's value); else a
    refusal, `missing` with the {number}, saying where to find them. Before the command's
    partnership is settled, a record of any partnership of the channel (a shared board's: each)
    or of the person is found, and settles it."""
    number = parse_id(token, what, usage=usage)
    settled = inv._partnership.id if inv._partnership else None
    candidates = {settled} if settled else channel_partnerships(inv) | person_partnerships(inv)
    for pid in sorted(p for p in candidates if p is not None) or [inv.partnership_id]:
        found = record_in_partnership(model, number, pid, session=inv.session)
        if found is not None:
            if inv._partnership is None:
                inv._partnership = next(p for p in visible(inv) if p.id == pid)
            return found
    raise BoardbotError(missing.format(number=number), usage=usage)


@contextmanager
def field_error(block_id: str) -> Iterator[None]:
    """In a modal, a refusal is shown under the input it concerns."""
    try:
        yield
    except BoardbotError as refused:
        raise FieldError(block_id, refused.message) from refused
