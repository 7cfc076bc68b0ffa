"""/boards lists boards, channels and role holders; business managers link channels, set roles."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from commands.reply import Bold, ChannelRef, Mention
from storage.errors import BoardbotError
from storage.models import AuditEntry, Board, Membership
from storage.queries.people import person, roles_on
from tests.commands.conftest import OUTSIDER, BoundPartnership

NEWCOMER = "U0NEWCOMER"


def board(bound: BoundPartnership, key: str) -> Board:
    return bound.session.exec(select(Board).where(Board.key == key)).one()


def audit_trail(bound: BoundPartnership) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action != "protocol.load")
    return list(bound.session.exec(query.order_by(col(AuditEntry.id))))


def roles(bound: BoundPartnership, key: str, user: str) -> set[str]:
    return roles_on(board(bound, key).id or 0, user, session=bound.session)


def test_it_lists_the_boards_with_their_channels_and_role_holders(bound: BoundPartnership) -> None:
    board(bound, "lrsab").channel_id = None
    bound.session.commit()
    reply = bound.run("/boards", "", OUTSIDER)
    assert reply.ephemeral and reply.message.text == "3 boards: HWB, LRLSCB, LRSAB"
    hwb = reply.message.blocks[1].lines
    assert hwb[0][0] == Bold("HWB") and ChannelRef("C0HWB") in hwb[0]
    assert ("chair: ", Mention("U0HWBCHAIR")) in hwb
    assert ("business manager: ", Mention("U0HWBBM")) in hwb
    assert "no channel yet" in reply.message.blocks[3].lines[0]


def test_a_business_manager_links_a_boards_channel_with_an_audit_entry(
    bound: BoundPartnership,
) -> None:
    reply = bound.run("/boards", "link HWB #C0HWBNEW", "U0HWBBM")
    assert board(bound, "hwb").channel_id == "C0HWBNEW"
    assert ChannelRef("C0HWBNEW") in reply.message.blocks[0].lines[0]
    (entry,) = audit_trail(bound)
    assert entry.action == "board.channel_linked" and entry.actor == "U0HWBBM"
    assert entry.before == {"channel_id": "C0HWB"} and entry.after == {"channel_id": "C0HWBNEW"}


def test_it_refuses_a_link_from_the_secretariat_naming_the_business_manager(
    bound: BoundPartnership,
) -> None:
    with pytest.raises(BoardbotError, match=r"you need to be HWB's business manager$"):
        bound.run("/boards", "link hwb #C0HWBNEW", "U0HWBSEC")
    assert board(bound, "hwb").channel_id == "C0HWB" and audit_trail(bound) == []


def test_it_refuses_a_channel_that_is_already_another_boards(bound: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="already LRLSCB's channel"):
        bound.run("/boards", "link hwb #C0LSCB", "U0HWBBM")
    assert board(bound, "hwb").channel_id == "C0HWB" and audit_trail(bound) == []


def test_a_business_manager_gives_a_role_to_someone_new(bound: BoundPartnership) -> None:
    reply = bound.run("/boards", f"role lrsab @{NEWCOMER} secretariat", "U0SABBM")
    assert roles(bound, "lrsab", NEWCOMER) == {"secretariat"}
    assert not reply.ephemeral
    assert reply.message.blocks[0].lines[0][0] == Mention(NEWCOMER)
    (entry,) = audit_trail(bound)
    assert entry.action == "board.role_added" and entry.entity == "membership"
    assert entry.after == {"board": "lrsab", "user": NEWCOMER, "role": "secretariat"}


@pytest.mark.parametrize("spelt", ["business_manager", "business-manager", "Business-Manager"])
def test_it_accepts_business_manager_with_an_underscore_or_a_hyphen(
    bound: BoundPartnership, spelt: str
) -> None:
    bound.run("/boards", f"role hwb @{NEWCOMER} {spelt}", "U0HWBBM")
    assert roles(bound, "hwb", NEWCOMER) == {"business_manager"}


def test_it_refuses_a_role_change_from_the_chair_and_writes_nothing(
    bound: BoundPartnership,
) -> None:
    with pytest.raises(BoardbotError, match="to change HWB's roles you need to be HWB's business"):
        bound.run("/boards", f"role hwb @{NEWCOMER} member", "U0HWBCHAIR")
    assert person(NEWCOMER, session=bound.session) is None
    assert audit_trail(bound) == []


def test_it_refuses_a_role_the_person_already_holds(bound: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="already HWB's chair"):
        bound.run("/boards", "role hwb @U0HWBCHAIR chair", "U0HWBBM")


def test_none_removes_every_role_the_person_holds_on_the_board(bound: BoundPartnership) -> None:
    bound.run("/boards", "role hwb @U0HWBSEC member", "U0HWBBM")
    reply = bound.run("/boards", "role hwb @U0HWBSEC none", "U0HWBBM")
    assert roles(bound, "hwb", "U0HWBSEC") == set()
    assert "was secretariat, member" in str(reply.message.blocks)
    removed = [e for e in audit_trail(bound) if e.action == "board.role_removed"]
    assert sorted(e.before["role"] for e in removed if e.before) == ["member", "secretariat"]
    assert person("U0HWBSEC", session=bound.session) is not None


def test_it_refuses_to_remove_a_boards_only_business_manager(bound: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="HWB's only business manager; give the role"):
        bound.run("/boards", "role hwb @U0HWBBM none", "U0HWBBM")
    assert roles(bound, "hwb", "U0HWBBM") == {"business_manager"}
    assert audit_trail(bound) == []


def test_a_business_manager_may_step_down_once_there_is_another(bound: BoundPartnership) -> None:
    bound.run("/boards", f"role hwb @{NEWCOMER} business_manager", "U0HWBBM")
    bound.run("/boards", "role hwb @U0HWBBM none", "U0HWBBM")
    assert roles(bound, "hwb", "U0HWBBM") == set()
    assert roles(bound, "hwb", NEWCOMER) == {"business_manager"}
    assert len(bound.session.exec(select(Membership)).all()) == 8


def test_it_refuses_to_remove_roles_from_someone_who_has_none(bound: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="that person has no role on LRSAB"):
        bound.run("/boards", f"role lrsab @{NEWCOMER} none", "U0SABBM")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("link hwb", "is not a /boards command"),
        ("link hwb hwb-board", "'hwb-board' is not a channel"),
        ("link nope #C0NEW", "no board called 'nope'"),
        ("role hwb newcomer member", "'newcomer' is not a person"),
        (f"role hwb @{NEWCOMER} treasurer", "'treasurer' is not a role; the roles are chair"),
        (f"role hwb @{NEWCOMER} business manager", "is not a /boards command"),
        ("rename hwb", "is not a /boards command"),
    ],
)
def test_it_explains_a_malformed_command_and_writes_nothing(
    bound: BoundPartnership, text: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message) as refused:
        bound.run("/boards", text, "U0HWBBM")
    assert refused.value.usage and "/boards link BOARD #channel" in refused.value.usage
    assert person(NEWCOMER, session=bound.session) is None
    assert audit_trail(bound) == []


def test_it_answers_help_with_its_usage(bound: BoundPartnership) -> None:
    reply = bound.run("/boards", "help", OUTSIDER)
    assert "`/boards role BOARD @person none`" in reply.message.text
