"""/boards — the partnership's boards, their channels and the people with roles on them.

`/boards` lists the boards, their channels, who holds which role, and the other partnerships a
shared board belongs to (in a shared board's channel: each partnership's boards).
`/boards link BOARD #channel` makes #channel the board's channel.
`/boards role BOARD @person ROLE` gives a role: chair, business_manager, secretariat or member.
`/boards role BOARD @person none` removes the person's roles on the board.
Linking and roles need the board's business manager.
Example: `/boards role hwb @someone secretariat`
"""

from __future__ import annotations

from typing import Any

from commands.context import CHANNEL, Invocation, board_arg, require_role, user_arg
from commands.lines import by
from commands.reply import (
    Block,
    Bold,
    ChannelRef,
    Line,
    Mention,
    Message,
    Reply,
    context,
    header,
    lines,
)
from commands.words import split_args
from schedules.protocol.summary import stored_agreement
from storage.errors import BoardbotError
from storage.models import Board, Membership, Partnership, Person
from storage.queries.boards import boards_by_channel, boards_of, sharing, sharing_each
from storage.queries.partnerships import all_partnerships
from storage.queries.people import (
    ensure_person,
    memberships_on,
    people_of_boards,
    people_with_role,
    roles_on,
)
from storage.roles import MANAGERS, ROLE_NAMES, Role

USAGE = (
    "Usage: `/boards`, `/boards link BOARD #channel`, "
    "`/boards role BOARD @person chair|business_manager|secretariat|member|none`"
)


def handle(inv: Invocation, text: str) -> Reply:
    args = split_args(text)
    if not args:
        return listing(inv)
    verb = args[0].lower()
    if verb == "help":
        return Reply.say(__doc__ or USAGE)
    if verb == "link" and len(args) == 3:
        return link(inv, board_arg(inv, args[1], usage=USAGE), channel_arg(args[2]))
    if verb == "role" and len(args) == 4:
        board, user = board_arg(inv, args[1], usage=USAGE), user_arg(args[2], usage=USAGE)
        if args[3].lower() == "none":
            return remove_roles(inv, board, user)
        return add_role(inv, board, user, role_arg(args[3]))
    raise BoardbotError(f"'{text.strip()}' is not a /boards command", usage=USAGE)


def channel_arg(token: str) -> str:
    match = CHANNEL.match(token)
    if not match:
        raise BoardbotError(f"'{token}' is not a channel; mention it, e.g. #hwb-board", usage=USAGE)
    return match.group(1)


def role_arg(token: str) -> Role:
    role = Role.parse(token)
    if role is None:
        raise BoardbotError(
            f"'{token}' is not a role; the roles are {ROLE_NAMES} or none", usage=USAGE
        )
    return role


def listing(inv: Invocation) -> Reply:
    here = boards_by_channel(inv.channel_id, session=inv.session)
    if len(here) <= 1:
        boards = boards_of(inv.partnership_id, session=inv.session)
        if not boards:
            return Reply.say(f"{inv.partnership.name} has no boards yet.")
        summary = f"{len(boards)} boards: " + ", ".join(b.key.upper() for b in boards)
        return Reply.say(summary, *partnership_blocks(inv, inv.partnership, boards))
    # A shared board's channel: the boards of each partnership it belongs to.
    named = {p.id: p for p in all_partnerships(session=inv.session)}
    blocks: list[Block] = []
    summaries = []
    for partnership in (named[b.partnership_id] for b in here):
        assert partnership.id is not None
        boards = boards_of(partnership.id, session=inv.session)
        blocks += partnership_blocks(inv, partnership, boards)
        summaries.append(f"{partnership.key}: " + ", ".join(b.key.upper() for b in boards))
    return Reply.say("Boards of " + "; ".join(summaries), *blocks)


def partnership_blocks(
    inv: Invocation, partnership: Partnership, boards: list[Board]
) -> list[Block]:
    """The partnership's boards, each with its people: a fixed number of statements."""
    blocks: list[Block] = [header(f"Boards: {partnership.name}")]
    agreement = stored_agreement(partnership.protocol)
    blocks += [context(f"The protocol: {agreement}.")] if agreement else []
    ids = [b.id for b in boards if b.id is not None]
    people = people_of_boards(ids, session=inv.session)
    partners = sharing_each(boards, session=inv.session)
    for board in boards:
        shared = partners.get(board.id or 0, [])
        blocks.append(lines(board_line(board, shared), *role_lines(people.get(board.id or 0, []))))
    return blocks


def board_line(board: Board, partners: list[tuple[Board, Partnership]]) -> Line:
    """'HWB Name · #channel', and for a shared board the partnerships it also belongs to."""
    where: Line = (ChannelRef(board.channel_id),) if board.channel_id else ("no channel yet",)
    others = [f"{p.key} (as {b.key.upper()})" for b, p in partners]
    shared: Line = (f" · also in {', '.join(others)}",) if others else ()
    return (Bold(board.key.upper()), f" {board.name} · ", *where, *shared)


def role_lines(people: list[tuple[Person, Role]]) -> list[Line]:
    found: list[Line] = []
    for role in Role:
        holders = [p.slack_user_id for p, held in people if held == role]
        if holders:
            mentions = [part for user in holders for part in (", ", Mention(user))][1:]
            found.append((f"{role.label}: ", *mentions))
    return found or [("nobody holds a role yet",)]


def link(inv: Invocation, board: Board, channel: str) -> Reply:
    require_role(inv, board, MANAGERS, f"link {board.key.upper()}'s channel")
    partners = [f"{p.key}:{b.key}" for b, p in sharing(board, session=inv.session)]
    if partners:
        raise BoardbotError(
            f"{board.key.upper()} is one board with {', '.join(partners)}; its channel is the "
            "one every partnership's setup file names (`boardbot setup apply FILE`)"
        )
    taken = [b for b in boards_by_channel(channel, session=inv.session) if b.id != board.id]
    if taken:
        raise BoardbotError(f"that channel is already {taken[0].key.upper()}'s channel")
    if board.channel_id == channel:
        raise BoardbotError(f"that channel is already {board.key.upper()}'s channel")
    before = {"channel_id": board.channel_id}
    board.channel_id = channel
    inv.audit(
        "board.channel_linked", "board", board.id, before=before, after={"channel_id": channel}
    )
    linked = f"'s channel, linked by {by(inv.user_id)}."
    said: Line = (ChannelRef(channel), " is now ", Bold(board.key.upper()), linked)
    return Reply(
        Message(f"That channel is now {board.key.upper()}'s channel.", [lines(said)]),
        ephemeral=False,
    )


def add_role(inv: Invocation, board: Board, user: str, role: Role) -> Reply:
    key = board.key.upper()
    require_role(inv, board, MANAGERS, f"change {key}'s roles")
    assert board.id is not None
    if role in roles_on(board.id, user, session=inv.session):
        raise BoardbotError(f"that person is already {key}'s {role.label}")
    person = ensure_person(user, session=inv.session)
    assert person.id is not None
    membership = Membership(person_id=person.id, board_id=board.id, role=role)
    inv.session.add(membership)
    inv.session.flush()
    inv.audit("board.role_added", "membership", membership.id, after=role_fields(board, user, role))
    added = f"'s {role.label}, added by {by(inv.user_id)}."
    said: Line = (Mention(user), " is now ", Bold(key), added)
    return Reply(Message(f"{key} has a new {role.label}.", [lines(said)]), ephemeral=False)


def remove_roles(inv: Invocation, board: Board, user: str) -> Reply:
    key = board.key.upper()
    require_role(inv, board, MANAGERS, f"change {key}'s roles")
    assert board.id is not None
    memberships = memberships_on(board.id, user, session=inv.session)
    if not memberships:
        raise BoardbotError(f"that person has no role on {key}")
    assert board.id is not None
    managers = people_with_role(board.id, Role.BUSINESS_MANAGER, session=inv.session)
    if any(m.role == Role.BUSINESS_MANAGER for m in memberships) and len(managers) == 1:
        raise BoardbotError(
            f"that person is {key}'s only business manager; give the role to someone else first "
            f"with `/boards role {board.key} @person business_manager`"
        )
    for membership in memberships:
        fields = role_fields(board, user, membership.role)
        inv.audit("board.role_removed", "membership", membership.id, before=fields)
        inv.session.delete(membership)
    names = ", ".join(m.role.label for m in memberships)
    said: Line = (
        Mention(user),
        " no longer holds a role on ",
        Bold(key),
        f" (was {names}); removed by {by(inv.user_id)}.",
    )
    return Reply(Message(f"{key}'s roles have changed.", [lines(said)]), ephemeral=False)


def role_fields(board: Board, user: str, role: str) -> dict[str, Any]:
    return {"board": board.key, "user": user, "role": role}
