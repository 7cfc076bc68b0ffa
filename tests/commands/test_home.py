"""The App Home tab shows each person their boards, what those boards owe, ask and await."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.fakeslack.blockkit import errors_only, validate_view
from bot.render import render_home
from commands.home import home_blocks
from commands.lines import LIST_CAP
from commands.reply import Block, Bold, ChannelRef, Code, Line, Link, Mention
from schedules import calendar
from schedules.occurrences import owed_by
from storage.models import AgendaRequest, Board, Escalation, Ladder, Meeting, Membership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from tests.commands.conftest import NOW, OUTSIDER, BoundPartnership


def said(line: Line) -> str:
    out = []
    for part in line:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Bold | Code):
            out.append(part.text)
        elif isinstance(part, Mention):
            out.append(f"@{part.user_id}")
        elif isinstance(part, ChannelRef):
            out.append(f"#{part.channel_id}")
        elif isinstance(part, Link):
            out.append(part.url)
    return "".join(out)


def text_of(blocks: list[Block]) -> list[str]:
    return [said(line) for block in blocks for line in block.lines]


def section_lines(blocks: list[Block], title_start: str) -> list[str]:
    """The lines of the block after the header whose title starts with `title_start`."""
    for index, block in enumerate(blocks):
        if block.kind == "header" and said(block.lines[0]).startswith(title_start):
            return text_of([blocks[index + 1]])
    raise AssertionError(f"no section {title_start!r} in {text_of(blocks)}")


def board(bound: BoundPartnership, key: str) -> Board:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    found = board_by_key(partnership.id, key, session=bound.session)
    assert found and found.id
    return found


def home(bound: BoundPartnership, user: str) -> list[Block]:
    blocks = home_blocks(bound.invocation(user))
    bound.session.commit()
    return blocks


def agenda_request(
    bound: BoundPartnership, asker: str, asked: str, status: str = "open"
) -> AgendaRequest:
    row = AgendaRequest(
        partnership_id=board(bound, asker).partnership_id,
        from_board_id=board(bound, asker).id,
        to_board_id=board(bound, asked).id,
        text="Neglect strategy: progress and shared priorities",
        status=status,
        requested_by="U0LSCBBM",
        requested_at=NOW - timedelta(days=3),
    )
    bound.session.add(row)
    bound.session.commit()
    return row


def test_it_shows_the_viewers_boards_and_roles_with_their_channels(bound: BoundPartnership) -> None:
    hwb = board(bound, "hwb")
    chair = ensure_person("U0HWBCHAIR", session=bound.session)
    sab = board(bound, "lrsab")
    bound.session.add(Membership(person_id=chair.id, board_id=sab.id, role="member"))
    bound.session.commit()
    mine = section_lines(home(bound, "U0HWBCHAIR"), "Your boards")
    assert mine == [
        f"HWB {hwb.name} · #C0HWB · chair",
        f"LRSAB {sab.name} · #C0SAB · member",
    ]


def test_it_lists_the_duties_the_viewers_boards_owe_overdue_first_with_ids(
    bound: BoundPartnership,
) -> None:
    blocks = home(bound, "U0LSCBBM")
    shown = section_lines(blocks, "Duties your boards owe")
    today = calendar.london_date(NOW)
    pid = board(bound, "lrlscb").partnership_id
    owed = owed_by(pid, "lrlscb", today, session=bound.session)
    assert owed, "the rutland protocol has LRLSCB duties around November"
    expected = sorted(owed, key=lambda o: o.status != "overdue")[:LIST_CAP]
    assert [line.split()[0] for line in shown] == [f"#{o.occurrence.id}" for o in expected]
    assert all("lrlscb" in o.duty.owners for o in expected)


def test_it_marks_overdue_duties_in_the_section_title(bound: BoundPartnership) -> None:
    later = NOW + timedelta(days=20)  # the September–November windows have closed unmet
    blocks = home_blocks(bound.invocation("U0HWBBM", now=later))
    titles = [said(b.lines[0]) for b in blocks if b.kind == "header"]
    assert any(t.startswith("Duties your boards owe (") and "overdue" in t for t in titles)


def test_it_lists_open_agenda_requests_to_or_from_the_viewers_boards(
    bound: BoundPartnership,
) -> None:
    to_hwb = agenda_request(bound, "lrlscb", "hwb")
    agenda_request(bound, "lrlscb", "hwb", status="accepted")
    agenda_request(bound, "lrlscb", "lrsab")  # between boards the viewer is not on
    shown = section_lines(home(bound, "U0HWBBM"), "Open agenda requests")
    assert shown == [
        f"#{to_hwb.id} LRLSCB → HWB Neglect strategy: progress and shared priorities"
        " · asked 20 Nov 2026"
    ]
    asker_view = section_lines(home(bound, "U0LSCBSEC"), "Open agenda requests")
    assert len(asker_view) == 2


def test_it_lists_open_escalations_with_their_stage_and_deadline(bound: BoundPartnership) -> None:
    hwb, sab = board(bound, "hwb"), board(bound, "lrsab")
    ladder = Ladder(
        partnership_id=hwb.partnership_id,
        key="mutual-challenge",
        name="Mutual challenge",
        stages=[
            {"name": "Formal written request", "who_acts": "Chair", "response_working_days": 10},
            {"name": "Meeting of the chairs", "who_acts": "Chairs", "response_working_days": 15},
        ],
    )
    bound.session.add(ladder)
    bound.session.flush()
    common = {"partnership_id": hwb.partnership_id, "ladder_id": ladder.id, "opened_by": "U0SABBM"}
    late = Escalation(
        **common, from_board_id=sab.id, to_board_id=hwb.id, text="JSNA omits adults at risk",
        stage=2, stage_deadline=date(2026, 11, 20), opened_at=NOW - timedelta(days=30),
    )  # fmt: skip
    closed = Escalation(
        **common, from_board_id=sab.id, to_board_id=hwb.id, text="Settled", status="resolved",
        stage=1, stage_deadline=date(2026, 10, 1), opened_at=NOW - timedelta(days=90),
    )  # fmt: skip
    bound.session.add_all([late, closed])
    bound.session.commit()
    shown = section_lines(home(bound, "U0HWBCHAIR"), "Open escalations")
    assert shown == [
        f"#{late.id} LRSAB → HWB JSNA omits adults at risk · stage 2 (Meeting of the chairs)"
        " · past its deadline of 20 Nov 2026"
    ]
    assert section_lines(home(bound, "U0LSCBCHAIR"), "Open escalations") == [
        "No escalation involving your boards is open."
    ]


def test_it_lists_the_next_meetings_of_the_viewers_boards_in_london_time(
    bound: BoundPartnership,
) -> None:
    hwb, lscb = board(bound, "hwb"), board(bound, "lrlscb")
    summer = datetime(2027, 6, 8, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)
    bound.session.add_all(
        [
            Meeting(board_id=hwb.id, starts_at=summer, venue="Council chamber"),
            Meeting(board_id=hwb.id, starts_at=NOW - timedelta(days=7)),
            Meeting(board_id=hwb.id, starts_at=NOW + timedelta(days=7), status="cancelled"),
            Meeting(board_id=lscb.id, starts_at=NOW + timedelta(days=9)),
        ]
    )
    bound.session.commit()
    shown = section_lines(home(bound, "U0HWBSEC"), "Next meetings")
    assert len(shown) == 1
    assert shown[0].endswith("HWB Tuesday 8 June 2027, 10:00 · Council chamber")


def test_it_caps_long_lists_and_stays_well_under_slacks_block_limit(
    bound: BoundPartnership,
) -> None:
    for _ in range(LIST_CAP + 5):
        agenda_request(bound, "lrlscb", "hwb")
    blocks = home(bound, "U0HWBBM")
    assert len(section_lines(blocks, "Open agenda requests")) == LIST_CAP
    assert "5 more not shown; /agenda list BOARD lists them all." in text_of(blocks)
    assert len(blocks) < 50
    assert errors_only(validate_view(render_home(blocks))) == []


def test_someone_without_a_role_sees_the_boards_and_how_to_get_one(bound: BoundPartnership) -> None:
    lines = text_of(home(bound, OUTSIDER))
    assert "You hold no role on a board yet." in lines
    hwb_line = next(line for line in lines if line.startswith("HWB "))
    assert hwb_line.endswith("#C0HWB, business manager @U0HWBBM")
    assert any("/boards role BOARD @you ROLE" in line for line in lines)


def test_it_explains_when_no_partnership_is_set_up(engine: Engine) -> None:
    with Session(engine) as session:
        blocks = home_blocks(BoundPartnership(session).invocation("U0HWBCHAIR"))
    lines = text_of(blocks)
    assert lines[0] == "boardbot"
    assert any("boardbot setup apply FILE" in line for line in lines)
