"""The App Home tab: the viewer's boards and roles, and what their boards owe, asked and await."""

from __future__ import annotations

from sqlmodel import Session

from commands import registry
from commands.context import Invocation
from commands.lines import MEETINGS_AHEAD, capped, duty_line, meeting_line, pair_of, record_id
from commands.reply import (
    Block,
    Bold,
    Button,
    ChannelRef,
    Code,
    Line,
    Mention,
    buttons,
    context,
    header,
    lines,
)
from schedules import calendar, ladders
from schedules.calendar import short_date
from schedules.occurrences import owed_by
from schedules.prompts.audience import hosts_of
from storage.models import Board, Partnership, Person
from storage.queries.agenda import open_involving
from storage.queries.boards import boards_of, keys_of
from storage.queries.escalations import open_involving as escalations_involving
from storage.queries.meetings import upcoming
from storage.queries.partnerships import partnerships_in_workspace
from storage.queries.people import memberships_of, partners_of, people_of_boards
from storage.roles import Role
from storage.status import Standing

GET_A_ROLE: Line = (
    "To get a role, ask your board's business manager to run ",
    Code("/boards role BOARD @you ROLE"),
    " (roles: chair, business_manager, secretariat, member).",
)

Held = dict[int, tuple[Board, list[str]]]  # board id -> (board, the viewer's roles on it)
# The setup modals' buttons (bot/setup_flow.py answers them): the value is a partnership's key,
# or empty for a new partnership.
SET_UP, EXPORT_SETUP = "setup.start", "setup.export"


def home_blocks(inv: Invocation, *, admin: bool = False) -> list[Block]:
    """The viewer's Home; `admin`: a workspace admin or owner, who may set partnerships up."""
    partnerships = partnerships_in_workspace(
        inv.team_id, session=inv.session, unbound=inv.unbound_visible
    )
    if not partnerships:
        return not_set_up()
    held: dict[int, Held] = {}
    for board, role in memberships_of(inv.user_id, session=inv.session):
        assert board.id is not None
        mine = held.setdefault(board.partnership_id, {})
        mine.setdefault(board.id, (board, []))[1].append(role)
    visible = {p.id for p in partnerships}
    held = {pid: boards for pid, boards in held.items() if pid in visible}
    hosting = {p.id: guest_boards(inv, p) for p in partnerships}
    if not held and not any(hosting.values()):
        blocks = newcomer(inv.session, partnerships)
        return [*setup_buttons(partnerships, admin=admin), *blocks] if admin else blocks
    blocks = setup_buttons(partnerships, admin=admin, held=held)
    for partnership in partnerships:
        if partnership.id in held:
            blocks += member_home(inv, partnership, held[partnership.id])
        if hosting[partnership.id]:
            blocks += guest_section(inv, partnership, hosting[partnership.id])
    blocks.append(context(("Commands: ", *commands_line())))
    return blocks  # bot/render.py keeps the tab within Slack's limit on blocks


def setup_buttons(
    partnerships: list[Partnership], *, admin: bool, held: dict[int, Held] | None = None
) -> list[Block]:
    """Change or export a partnership's setup: its business managers and workspace admins."""
    managed = [
        p
        for p in partnerships
        if admin
        or any(
            Role.BUSINESS_MANAGER in roles for _, roles in (held or {}).get(p.id or 0, {}).values()
        )
    ]
    found: list[Button] = []
    for partnership in managed:
        many = f" {partnership.key}" if len(managed) > 1 else ""
        found += [
            Button(f"Change setup{many}", SET_UP, partnership.key),
            Button(f"Export setup{many}", EXPORT_SETUP, partnership.key),
        ]
    if admin:
        found.append(Button("Set up a partnership", SET_UP, ""))
    return [buttons(*found)] if found else []


def guest_boards(inv: Invocation, partnership: Partnership) -> list[Board]:
    """The boards at whose meetings the viewer is a guest (as the protocol names guests)."""
    assert partnership.id is not None
    roles = [
        (board.key, str(role))
        for board, role in memberships_of(inv.user_id, session=inv.session)
        if board.partnership_id == partnership.id
    ]
    partners = partners_of(partnership.id, inv.user_id, session=inv.session)
    hosts = hosts_of(partnership.protocol, roles, partners)
    return [b for b in boards_of(partnership.id, session=inv.session) if b.key in hosts]


def guest_section(inv: Invocation, partnership: Partnership, hosts: list[Board]) -> list[Block]:
    """The meetings of the boards the viewer attends as a guest."""
    found = upcoming({b.id: b for b in hosts}, inv.now, session=inv.session)
    boards = {b.id: b for b in hosts}
    rows = [meeting_line(meeting, boards[meeting.board_id]) for meeting in found]
    names = ", ".join(b.key.upper() for b in hosts)
    blocks = section(
        "Meetings you attend as a guest",
        rows,
        f"No meeting of {names} is set.",
        "/meetings BOARD lists them all.",
    )
    return [*blocks, context(f"{partnership.name}: a guest at {names}. London time.")]


def not_set_up() -> list[Block]:
    return [
        header("boardbot"),
        lines(
            "No partnership is set up in this workspace yet, so there is nothing to show.",
            "Set one up here: choose its protocol, then each board's channel and people.",
        ),
        buttons(Button("Set up a partnership", SET_UP, "", style="primary")),
        context(
            (
                "Or, on the server, run ",
                Code("boardbot protocols load NAME"),
                " and then ",
                Code("boardbot setup apply FILE"),
                " to bind the boards to their channels and people.",
            ),
        ),
    ]


def newcomer(session: Session, partnerships: list[Partnership]) -> list[Block]:
    """No roles yet: the boards there are, who manages each, and how to be given a role."""
    blocks: list[Block] = [header("Welcome to boardbot"), lines("You hold no role on a board yet.")]
    for partnership in partnerships:
        assert partnership.id is not None
        shown, more = capped(boards_of(partnership.id, session=session), "/boards lists them all.")
        people = people_of_boards([b.id for b in shown if b.id is not None], session=session)
        rows = [board_with_managers(board, people.get(board.id or 0, [])) for board in shown]
        blocks += [lines((Bold(partnership.name),), *rows), *more]
    blocks += [lines(GET_A_ROLE), context(("Commands: ", *commands_line()))]
    return blocks


def board_with_managers(board: Board, people: list[tuple[Person, Role]]) -> Line:
    managers = [person for person, held in people if held == Role.BUSINESS_MANAGER]
    said: Line = (", business manager ",) if managers else ()
    for number, person in enumerate(managers):
        said += (", " if number else "", Mention(person.slack_user_id))
    return (*board_line(board), *said)


def board_line(board: Board) -> Line:
    where: Line = (" · ", ChannelRef(board.channel_id)) if board.channel_id else ()
    return (Bold(board.key.upper()), f" {board.name}", *where)


def member_home(inv: Invocation, partnership: Partnership, held: Held) -> list[Block]:
    mine = [
        (*board_line(board), f" · {', '.join(Role(r).label for r in roles)}")
        for board, roles in held.values()
    ]
    keys = {board.key for board, _ in held.values()}
    ids = list(held)
    shown, more = capped(mine, "/boards lists them all.")
    blocks = [header("Your boards"), lines(*shown), *more, context(partnership.name)]
    blocks += duties_section(inv, partnership, keys)
    blocks += agenda_section(inv.session, ids)
    blocks += escalations_section(inv, ids)
    blocks += meetings_section(inv, {board.id: board for board, _ in held.values()})
    return blocks


def section(title: str, rows: list[Line], empty: str, how: str) -> list[Block]:
    if not rows:
        return [header(title), context(empty)]
    shown, more = capped(rows, how)
    return [header(title), lines(*shown), *more]


def duties_section(inv: Invocation, partnership: Partnership, keys: set[str]) -> list[Block]:
    assert partnership.id is not None
    today = calendar.london_date(inv.now)
    owed = [
        o
        for o in owed_by(partnership.id, None, today, session=inv.session)
        if keys & set(o.duty.owners) and o.status != Standing.BEFORE_BOARDBOT
    ]
    owed.sort(key=lambda o: o.status != Standing.OVERDUE)  # stable: closest first within each
    overdue = sum(o.status == Standing.OVERDUE for o in owed)
    title = "Duties your boards owe" + (f" ({overdue} overdue)" if overdue else "")
    return section(
        title,
        [duty_line(o) for o in owed],
        "Nothing is owed by your boards now or in the next month.",
        "/duties BOARD lists them all.",
    )


def agenda_section(session: Session, ids: list[int]) -> list[Block]:
    found = open_involving(ids, session=session)
    keys = keys_of({b for r in found for b in (r.from_board_id, r.to_board_id)}, session=session)
    rows: list[Line] = [
        (
            record_id(r.id),
            " ",
            Bold(pair_of(keys, r.from_board_id, r.to_board_id)),
            f" {r.text} · asked {short_date(calendar.london_date(r.requested_at))}",
        )
        for r in found
    ]
    return section(
        "Open agenda requests",
        rows,
        "No agenda request to or from your boards is open.",
        "/agenda list BOARD lists them all.",
    )


def escalations_section(inv: Invocation, ids: list[int]) -> list[Block]:
    session, today = inv.session, calendar.london_date(inv.now)
    found = escalations_involving(ids, session=session)
    keys = keys_of({b for r, _ in found for b in (r.from_board_id, r.to_board_id)}, session=session)
    rows: list[Line] = []
    for row, ladder in found:
        name = ladders.stage_of(ladder, row.stage).name
        late = "past its deadline of" if row.stage_deadline < today else "respond by"
        stage = f"stage {row.stage}" + (f" ({name})" if name else "")
        about = f" {row.text} · {stage} · {late} {short_date(row.stage_deadline)}"
        rows.append(
            (record_id(row.id), " ", Bold(pair_of(keys, row.from_board_id, row.to_board_id)), about)
        )
    return section(
        "Open escalations",
        rows,
        "No escalation involving your boards is open.",
        "/escalate list BOARD lists them all.",
    )


def meetings_section(inv: Invocation, boards: dict[int | None, Board]) -> list[Block]:
    found = upcoming(boards, inv.now, until=inv.now + MEETINGS_AHEAD, session=inv.session)
    rows = [meeting_line(meeting, boards[meeting.board_id]) for meeting in found]
    blocks = section(
        "Next meetings",
        rows,
        "No meeting of your boards is set. Add one: /meetings add BOARD WHEN",
        "/meetings BOARD lists them all.",
    )
    return blocks + ([context("London time.")] if rows else [])


def commands_line() -> Line:
    parts: Line = ()
    for number, name in enumerate(registry.FAMILIES):
        parts += (" · " if number else "", Code(name))
    return parts
