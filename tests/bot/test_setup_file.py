"""A setup file binds a partnership to Slack: checked line by line, applied idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from bot.setup_file import SetupInvalid, apply_setup, parse_setup, resolve_names
from schedules.protocol import ProtocolInvalid, load_protocol, parse_protocol
from schedules.protocol.store import store_protocol
from storage.errors import BoardbotError
from storage.models import AuditEntry, Membership, Partnership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import memberships_of, people_of_board

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SETUP = """\
partnership: rutland            # bundled template name or protocol file
digest_channel: C0DIGEST
boards:
  hwb:
    channel: C0HWB
    people: {U0HWBCHAIR: chair, U0HWBBM: business_manager}
  lrlscb:
    channel: C0LSCB
    people: {U0LSCBCHAIR: chair, U0LSCBBM: business_manager, U0SEC: secretariat}
"""


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def apply(session: Session, text: str) -> str:
    report = apply_setup(parse_setup(text, "setup.yaml", session=session), session=session, now=NOW)
    session.commit()
    return report.render()


def held(session: Session, key: str) -> set[tuple[str, str]]:
    partnership = partnership_by_key("rutland", session=session)
    assert partnership and partnership.id
    board = board_by_key(partnership.id, key, session=session)
    assert board and board.id
    return {(p.slack_user_id, role) for p, role in people_of_board(board.id, session=session)}


def audit_count(session: Session) -> int:
    return session.exec(select(func.count(col(AuditEntry.id)))).one()


def problems(text: str, session: Session | None = None) -> list[str]:
    with pytest.raises(SetupInvalid) as raised:
        parse_setup(text, "setup.yaml", session=session)
    return raised.value.render().splitlines()


def test_it_reads_the_setup_file_and_the_protocol_it_names() -> None:
    setup = parse_setup(SETUP, "setup.yaml")
    assert setup.partnership_key == "rutland"
    assert setup.protocol is not None and setup.protocol.board_keys == ["hwb", "lrlscb", "lrsab"]
    assert setup.digest_channel == "C0DIGEST"
    assert setup.boards["lrlscb"].people == {
        "U0LSCBCHAIR": ("chair",),
        "U0LSCBBM": ("business_manager",),
        "U0SEC": ("secretariat",),
    }


def test_it_accepts_several_roles_for_one_person_on_one_board() -> None:
    text = (
        "partnership: rutland\nboards:\n  hwb:\n    people: {U0HWBBM: [business_manager, member]}\n"
    )
    setup = parse_setup(text)
    assert setup.boards["hwb"].people == {"U0HWBBM": ("business_manager", "member")}
    assert setup.boards["hwb"].channel is None


def test_it_names_an_unknown_board_key_at_its_line_with_the_valid_keys() -> None:
    text = SETUP.replace("  lrlscb:", "  lscb:")
    assert problems(text) == [
        "setup.yaml:7: boards.lscb: unknown board key 'lscb'; use one of hwb, lrlscb, lrsab"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "digest_channel: C0DIGEST",
            "digest_channel: digest",
            "setup.yaml:2: digest_channel: 'digest' is not a Slack channel id; "
            "write an id such as C0123ABCD, or #its-name",
        ),
        (
            "U0HWBBM: business_manager",
            "hwb-manager: business_manager",
            "setup.yaml:6: boards.hwb.people.hwb-manager: 'hwb-manager' is not a Slack user id; "
            "write an id such as U0123ABCD, or their e-mail",
        ),
        (
            "U0HWBCHAIR: chair",
            "U0HWBCHAIR: chairman",
            "setup.yaml:6: boards.hwb.people.U0HWBCHAIR: 'chairman' is not a role; "
            "write one of chair, business_manager, secretariat, member",
        ),
        (
            "    channel: C0HWB",
            "    channel: C0HWB\n    colour: blue",
            "setup.yaml:6: boards.hwb.colour: unknown field; allowed here: channel, people",
        ),
        (
            "digest_channel: C0DIGEST",
            "digest_channel: C0DIGEST\ndigest: C0OTHER",
            "setup.yaml:3: digest: unknown field; allowed here: partnership, digest_channel,",
        ),
        (
            "    channel: C0LSCB",
            "    channel: C0HWB",
            "setup.yaml:8: boards.lrlscb.channel: C0HWB is already hwb's channel; "
            "each board needs its own",
        ),
        (
            "  lrlscb:",
            "  hwb:",
            "setup.yaml:7: boards.hwb: this key appears twice",
        ),
        (
            "partnership: rutland ",
            "partnership: nowhere ",
            "setup.yaml:1: partnership: no protocol called 'nowhere': give a bundled name",
        ),
    ],
)
def test_it_says_what_is_wrong_at_which_line(old: str, new: str, expected: str) -> None:
    assert old in SETUP
    found = problems(SETUP.replace(old, new))
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize("text", ["", "- a\n- list\n", "boards: [", "partnership: 3\nboards: 4\n"])
def test_it_refuses_files_that_are_not_setup_files(text: str) -> None:
    found = problems(text)
    assert found and all(line.startswith("setup.yaml:") for line in found)


def test_a_protocol_file_is_found_beside_the_setup_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ours.yaml").write_text(
        "partnership: {key: ourshire, name: Ourshire partnership}\n"
        "boards:\n  - {key: hwb, name: Ourshire HWB, kind: health_and_wellbeing}\n"
    )
    text = "partnership: ours.yaml\nboards: {hwb: {channel: C0OURS}}\n"
    setup = parse_setup(text, str(tmp_path / "conf" / "setup.yaml"))
    assert setup.partnership_key == "ourshire"


def test_a_broken_protocol_file_reports_its_own_lines(tmp_path: Path) -> None:
    (tmp_path / "ours.yaml").write_text("partnership: {key: ourshire}\nboards: []\n")
    with pytest.raises(ProtocolInvalid) as raised:
        parse_setup("partnership: ours.yaml\n", str(tmp_path / "setup.yaml"))
    assert raised.value.filename.endswith("ours.yaml")


def test_it_loads_the_protocol_and_binds_channels_and_people(session: Session) -> None:
    report = apply(session, SETUP)
    assert report.splitlines()[0].startswith("protocol loaded: rutland: ")
    assert "hwb: channel none -> C0HWB" in report
    assert "lrlscb: U0SEC added as secretariat" in report
    partnership = partnership_by_key("rutland", session=session)
    assert partnership and partnership.digest_channel == "C0DIGEST"
    assert held(session, "hwb") == {("U0HWBCHAIR", "chair"), ("U0HWBBM", "business_manager")}
    assert held(session, "lrsab") == set()
    actions = [e.action for e in session.exec(select(AuditEntry))]
    assert actions.count("board.role_added") == 5 and actions.count("board.channel_linked") == 2
    assert {"protocol.load", "partnership.digest_channel_set", "setup.applied"} <= set(actions)


def test_applying_the_same_file_again_changes_nothing(session: Session) -> None:
    apply(session, SETUP)
    entries = audit_count(session)
    assert apply(session, SETUP) == "rutland: no changes"
    assert audit_count(session) == entries


def test_it_makes_the_roles_exactly_the_files_and_says_what_it_removed(session: Session) -> None:
    apply(session, SETUP)
    changed = SETUP.replace("U0SEC: secretariat", "U0NEWSEC: secretariat")
    changed = changed.replace("U0HWBCHAIR: chair", "U0HWBCHAIR: [chair, member]")
    report = apply(session, changed)
    assert report.splitlines() == [
        "hwb: U0HWBCHAIR added as member",
        "lrlscb: U0NEWSEC added as secretariat",
        "lrlscb: U0SEC removed as secretariat (not in the file)",
        "rutland: 3 changes",
    ]
    assert ("U0SEC", "secretariat") not in held(session, "lrlscb")
    removed = session.exec(select(AuditEntry).where(AuditEntry.action == "board.role_removed"))
    assert [e.before for e in removed] == [
        {"board": "lrlscb", "user": "U0SEC", "role": "secretariat"}
    ]


def test_one_person_may_hold_roles_on_several_boards(session: Session) -> None:
    text = SETUP.replace("U0SEC: secretariat", "U0SEC: secretariat, U0HWBCHAIR: member")
    apply(session, text)
    boards = {(b.key, role) for b, role in memberships_of("U0HWBCHAIR", session=session)}
    assert boards == {("hwb", "chair"), ("lrlscb", "member")}


def test_boards_the_file_does_not_list_keep_their_channel_and_people(session: Session) -> None:
    apply(
        session, SETUP + "  lrsab:\n    channel: C0SAB\n    people: {U0SABBM: business_manager}\n"
    )
    assert "lrsab" not in apply(session, SETUP)
    assert held(session, "lrsab") == {("U0SABBM", "business_manager")}


def test_a_loaded_protocol_is_left_as_it_is(session: Session) -> None:
    store_protocol(load_protocol("rutland"), session=session, now=NOW)
    partnership = partnership_by_key("rutland", session=session)
    assert partnership
    partnership.name = "Renamed by an earlier load"
    session.commit()
    report = apply(session, SETUP)
    assert "protocol loaded" not in report
    assert session.exec(select(Partnership)).one().name == "Renamed by an earlier load"


def test_a_loaded_partnership_can_be_named_by_its_key(session: Session) -> None:
    protocol = parse_protocol(
        "partnership: {key: ourshire, name: Ourshire partnership}\n"
        "boards:\n  - {key: csp, name: Ourshire CSP, kind: community_safety}\n"
    )
    store_protocol(protocol, session=session, now=NOW)
    session.commit()
    assert problems("partnership: ourshire\n") == [
        "setup.yaml:1: partnership: no protocol called 'ourshire': give a bundled name "
        "(city-of-london, islington, rutland, suffolk, westminster) or the path of a "
        "protocol YAML file"
    ]
    report = apply(session, "partnership: ourshire\nboards: {csp: {channel: C0CSP}}\n")
    assert report.splitlines() == ["csp: channel none -> C0CSP", "ourshire: 1 change"]


def test_it_refuses_a_channel_another_board_keeps_and_writes_nothing(session: Session) -> None:
    apply(session, SETUP + "  lrsab:\n    channel: C0SAB\n")
    entries = audit_count(session)
    with pytest.raises(BoardbotError, match="C0SAB is already LRSAB's channel"):
        apply(session, SETUP.replace("channel: C0HWB", "channel: C0SAB"))
    session.rollback()
    assert audit_count(session) == entries
    assert held(session, "hwb") == {("U0HWBCHAIR", "chair"), ("U0HWBBM", "business_manager")}


def test_it_clears_a_channel_or_the_digest_the_file_leaves_out(session: Session) -> None:
    apply(session, SETUP)
    report = apply(
        session, SETUP.replace("digest_channel: C0DIGEST\n", "").replace("    channel: C0HWB\n", "")
    )
    assert report.splitlines()[:2] == [
        "rutland: digest channel C0DIGEST -> none",
        "hwb: channel C0HWB -> none",
    ]
    assert session.exec(select(Membership)).all()


# -- the workspace, and names resolved ------------------------------------------------------------


def test_applying_for_a_workspace_binds_the_partnership_to_it_once(session: Session) -> None:
    report = apply_setup(parse_setup(SETUP), session=session, now=NOW, team_id="T0RUT")
    assert "rutland: workspace none -> T0RUT" in report.changes
    partnership = partnership_by_key("rutland", session=session)
    assert partnership is not None and partnership.team_id == "T0RUT"
    again = apply_setup(parse_setup(SETUP), session=session, now=NOW, team_id="T0RUT")
    assert again.changes == []
    with pytest.raises(BoardbotError, match="belongs to another Slack workspace"):
        apply_setup(parse_setup(SETUP), session=session, now=NOW, team_id="T0OTHER")


def test_a_file_naming_one_workspace_is_not_applied_for_another(session: Session) -> None:
    setup = parse_setup("team: T0RUT\n" + SETUP)
    assert setup.team == "T0RUT" and setup.line_of("team") == 1
    with pytest.raises(BoardbotError, match="the file is for T0RUT, not this workspace"):
        apply_setup(setup, session=session, now=NOW, team_id="T0OTHER")
    assert apply_setup(setup, session=session, now=NOW).changes


class Directory:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def channel_id(self, name: str) -> str | None:
        self.asked.append(f"#{name}")
        return {"hwb-board": "C0HWB", "board-digest": "C0DIGEST"}.get(name)

    def user_id(self, email: str) -> str | None:
        self.asked.append(email)
        return {"hwb-chair@rutland.example": "U0HWBCHAIR"}.get(email)


def test_names_and_e_mails_become_ids_and_unknown_ones_are_file_line_problems() -> None:
    named = (
        SETUP.replace("digest_channel: C0DIGEST", 'digest_channel: "#board-digest"')
        .replace("channel: C0HWB", 'channel: "#hwb-board"')
        .replace("U0HWBCHAIR: chair", "hwb-chair@rutland.example: chair")
    )
    setup = parse_setup(named, "setup.yaml")
    assert setup.names and not parse_setup(SETUP).names
    resolved = resolve_names(setup, Directory(), "setup.yaml")
    assert resolved.digest_channel == "C0DIGEST" and resolved.partnership_key == "rutland"
    assert resolved.boards["hwb"].channel == "C0HWB"
    assert dict(resolved.boards["hwb"].people) == {
        "U0HWBCHAIR": ("chair",),
        "U0HWBBM": ("business_manager",),
    }
    wrong = parse_setup(named.replace("#hwb-board", "#gone").replace("hwb-chair@", "x@"), "s.yaml")
    with pytest.raises(SetupInvalid) as refused:
        resolve_names(wrong, Directory(), "s.yaml")
    assert [line.split(":")[1] for line in str(refused.value).splitlines()] == ["5", "6"]
