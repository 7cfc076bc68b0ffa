"""Who a prompt goes to: a board's channel, each holder of a role, the digest channel; and why
not, when there is nobody (a problem the outbox records as failed, saying how to fix it)."""

from __future__ import annotations

from schedules.prompts.base import CHANNEL, DIGEST, Recipient
from schedules.recipients import Resolved, Resolver
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.roles import Role
from tests.commands.conftest import NOW, BoundPartnership


def resolver(bound: BoundPartnership, digest: str | None = "C0DIGEST") -> Resolver:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None and partnership.id is not None
    return Resolver(bound.session, partnership.id, digest)


def test_a_boards_channel_and_each_holder_of_a_role(bound: BoundPartnership) -> None:
    found = resolver(bound)
    assert found.resolve(Recipient(CHANNEL, "hwb")) == [Resolved("C0HWB", "channel:hwb")]
    assert found.resolve(Recipient(Role.CHAIR, "lrlscb")) == [
        Resolved("U0LSCBCHAIR", "chair:lrlscb")
    ]


def test_the_digest_goes_to_the_digest_channel_or_fails_saying_how_to_set_one(
    bound: BoundPartnership,
) -> None:
    assert resolver(bound).resolve(Recipient(DIGEST)) == [Resolved("C0DIGEST", "digest")]
    (missing,) = resolver(bound, digest=None).resolve(Recipient(DIGEST))
    assert missing.problem == "no digest channel; set one with boardbot setup apply"


def test_nobody_in_a_role_or_no_channel_is_a_problem_saying_how_to_fix_it(
    bound: BoundPartnership,
) -> None:
    (nobody,) = resolver(bound).resolve(Recipient(Role.SECRETARIAT, "lrsab"))
    assert (nobody.slack_id, nobody.label) == ("secretariat@lrsab", "secretariat:lrsab")
    assert nobody.problem == (
        "lrsab has no secretariat; add one with /boards role lrsab @person secretariat"
    )
    board = board_by_key(resolver(bound).partnership_id, "lrsab", session=bound.session)
    assert board is not None
    board.channel_id = None
    (unlinked,) = resolver(bound).resolve(Recipient(CHANNEL, "lrsab"))
    assert unlinked.problem == "lrsab has no channel; link one with /boards link lrsab #channel"


def test_a_retired_board_is_owed_nothing(bound: BoundPartnership) -> None:
    found = resolver(bound)
    board = board_by_key(found.partnership_id, "lrsab", session=bound.session)
    assert board is not None
    board.retired_at = NOW  # as loading a protocol without it does
    assert found.resolve(Recipient(Role.CHAIR, "lrsab")) == []


def test_boards_and_role_holders_are_looked_up_once_a_tick(bound: BoundPartnership) -> None:
    found = resolver(bound)
    for _ in range(3):
        found.resolve(Recipient(Role.CHAIR, "hwb"))
    assert list(found._boards) == ["hwb"] and len(found._holders) == 1
