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
from storage.queries.boards import board_by_channel, board_by_key, boards_by_channel, boards_of
from storage.queries.partnerships import (
    partnerships_by_digest_channel,
    partnerships_in_workspace,
)
from storage.queries.people import contact_partnerships, memberships_of, roles_on
from storage.queries.records import Row, record_in_partnership
from storage.roles import Role, either

CHANNEL = re.compile(r"^#([CG][A-Z0-9]+)$")  # a channel, as the edge passes it on: #C0123ABCD
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
    _partnership: Partnership | None = field(default=None, repr=False)

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


def resolve_partnership(inv: Invocation) -> Partnership:
    """The partnership of the channel, else of the person's boards, else the only one set up;
    only ever one of the asking workspace's partnerships (a board key, record id, button value
    or form's metadata from another workspace is then simply not found in it)."""
    session = inv.session
    everything = partnerships_in_workspace(inv.team_id, session=session)
    visible = {p.id for p in everything}
    from_channel = {b.partnership_id for b in boards_by_channel(inv.channel_id, session=session)}
    from_channel |= {
        p.id for p in partnerships_by_digest_channel(inv.channel_id, session=session) if p.id
    }
    from_person = {b.partnership_id for b, _ in memberships_of(inv.user_id, session=session)}
    from_person |= set(contact_partnerships(inv.user_id, session=session))  # a partner's people
    for candidates in (from_channel & visible, from_person & visible, visible):
        if len(candidates) == 1:
            (pid,) = candidates
            return next(p for p in everything if p.id == pid)
    if not everything:
        raise BoardbotError(
            "no partnership is set up yet; an administrator runs "
            "`boardbot protocols load NAME` and `boardbot setup apply FILE`"
        )
    raise BoardbotError(
        "this workspace has several partnerships; use the command in one of your board's channels"
    )


def board_arg(inv: Invocation, token: str, *, usage: str | None = None) -> Board:
    """A board from its key (any case) or its channel (`#C123`)."""
    match = CHANNEL.match(token)
    if match:
        board = board_by_channel(inv.partnership_id, match.group(1), session=inv.session)
        if board is not None:
            return board
        raise BoardbotError(f"{token} is not linked to a board", usage=usage)
    board = board_by_key(inv.partnership_id, token.lower(), session=inv.session)
    if board is None:
        known = ", ".join(b.key for b in boards_of(inv.partnership_id, session=inv.session))
        raise BoardbotError(f"no board called '{token}'; the boards are {known}", usage=usage)
    return board


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
    refusal, `missing` with the {number}, saying where to find them."""
    number = parse_id(token, what, usage=usage)
    found = record_in_partnership(model, number, inv.partnership_id, session=inv.session)
    if found is None:
        raise BoardbotError(missing.format(number=number), usage=usage)
    return found


@contextmanager
def field_error(block_id: str) -> Iterator[None]:
    """In a modal, a refusal is shown under the input it concerns."""
    try:
        yield
    except BoardbotError as refused:
        raise FieldError(block_id, refused.message) from refused
