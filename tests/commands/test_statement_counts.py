"""Every read costs a fixed number of statements, however many records it shows.

Each read runs once on a bound partnership with a few records, then again after many more
escalations, agenda requests and meetings: the statements it sends to the
database must not grow with them (no query per row), nor with more boards and people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from commands.home import home_blocks
from commands.registry import command_handler
from storage.models import Board, Membership
from storage.queries.boards import new_body
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from storage.roles import Role
from tests.commands.conftest import BoundPartnership

READS = [
    ("/duties", ""),
    ("/duties", "lrlscb"),
    ("/meetings", ""),
    ("/meetings", "hwb"),
    ("/agenda", "list"),
    ("/agenda", "hwb"),
    ("/escalate", "list"),
    ("/minutes", "list"),
    ("/boards", ""),
]
HOME = ("home", "")
READERS = ["U0LSCBBM", "U0HWBCHAIR", "U0OUTSIDER"]


@contextmanager
def counted(bound: BoundPartnership) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = bound.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_of(bound: BoundPartnership, read: tuple[str, str], user: str) -> int:
    bound.session.expire_all()  # nothing cached between runs: each read loads what it shows
    with counted(bound) as statements:
        if read == HOME:
            home_blocks(bound.invocation(user))
        else:
            command, text = read
            command_handler(command)(bound.invocation(user), text)
    return len(statements)


def add_boards(bound: BoundPartnership, count: int) -> None:
    """More boards, each with a channel and people holding every role (and LSCB's manager a
    member of each, so that their Home lists them too)."""
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    for n in range(count):
        body = new_body(session=bound.session)
        board = Board(
            partnership_id=partnership.id, body_id=body, key=f"extra{n}", name=f"Extra board {n}"
        )
        board.kind, board.channel_id = "other", f"C0EXTRA{n}"
        bound.session.add(board)
        bound.session.flush()
        assert board.id
        holders = [(f"U0EXTRA{n}{role.name}", role) for role in Role] + [("U0LSCBBM", Role.MEMBER)]
        for user, role in holders:
            person = ensure_person(user, session=bound.session)
            assert person.id
            bound.session.add(Membership(person_id=person.id, board_id=board.id, role=role))
    bound.session.commit()


def add_activity(bound: BoundPartnership, rounds: int, start: int) -> None:
    """Escalations, agenda requests and meetings between the three boards."""
    pairs = [("lrlscb", "hwb", "U0LSCBCHAIR"), ("hwb", "lrsab", "U0HWBSEC")]
    for n in range(start, start + rounds):
        for source, target, user in pairs:
            bound.run("/escalate", f"open {source} {target} Concern number {n} unanswered", user)
            bound.run("/agenda", f"request {source} {target} Item number {n} for the agenda", user)
        day = bound.now.date() + timedelta(days=7 * (n + 1))
        bound.run("/meetings", f"add hwb {day:%d %B %Y} at 10:00", "U0HWBBM")
        bound.run("/meetings", f"add lrlscb {day:%d %B %Y} at 14:00", "U0LSCBBM")


@pytest.mark.parametrize("read", [*READS, HOME], ids=lambda r: " ".join(r).strip())
def test_a_read_sends_the_same_statements_however_many_records(
    bound: BoundPartnership, read: tuple[str, str]
) -> None:
    add_activity(bound, rounds=1, start=0)
    few = {user: statements_of(bound, read, user) for user in READERS}
    add_activity(bound, rounds=6, start=1)
    add_boards(bound, 4)
    many = {user: statements_of(bound, read, user) for user in READERS}
    assert many == few


def test_a_request_reads_its_workspaces_partnerships_once(bound: BoundPartnership) -> None:
    """Settling the partnership (from the channel, the person, the board key) asks for them
    several times; the request reads them once."""
    invocation = bound.invocation("U0LSCBBM")
    invocation.team_id = "T0FAKE"
    bound.session.expire_all()
    with counted(bound) as statements:
        command_handler("/duties")(invocation, "lrlscb")
    workspace = "OR partnership.team_id IS NULL"  # its own, and those not yet bound
    assert sum(workspace in statement for statement in statements) == 1
