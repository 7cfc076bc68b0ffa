"""What a fresh sandbox holds: the protocol bound to the demo workspace, a year of history,
meetings around the demo day, and the HWB's meetings read from the council's example calendar.

Everything is placed around the sandbox clock's start, never the real date: the duties whose
windows closed before it are recorded done (as a partnership that has used boardbot for a year
would have them), so a fresh sandbox's `/duties` and digest speak of what is current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.sandbox.demo import SANDBOX_ACTOR, DemoSetup, setup_document
from bot.setup_file import SetupFile, apply_setup
from commands.context import Invocation
from commands.duties import complete
from commands.minutes import log_share
from schedules import calendar
from schedules.feeds import tokens
from schedules.feeds.examples import example_feed
from schedules.feeds.read import read_feed
from schedules.feeds.sync import apply_feed
from schedules.occurrences import materialise
from schedules.protocol import Protocol
from schedules.protocol.store import store_protocol
from storage.db import transaction
from storage.models import Board, Meeting, Partnership
from storage.queries.boards import board_by_key, boards_of
from storage.queries.meetings import held_before
from storage.queries.occurrences import pending_due_before
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from storage.status import MeetingStatus, OccurrenceStatus

MEETING_TIME = time(14, 0)
MEETING_EVERY = timedelta(weeks=7)
MEETINGS_BEFORE, MEETINGS_AFTER = 2, 8  # a board's meetings before and after the demo day
FIRST_MEETING = timedelta(days=10)  # the first board's next meeting; each next board's later
DONE_AT = time(11, 0)
DONE_BEFORE_DUE = 5  # working days: history's duties were done in good time
MINUTES_AFTER = 10  # working days after a meeting, its minutes were shared


@dataclass(frozen=True)
class ExampleCalendar:
    """A bundled council feed that one board's meetings are read from."""

    feed: str
    board: str
    match: str


# The rutland HWB's meetings come from the council's committee calendar (bundled example).
EXAMPLE_CALENDARS = {
    "rutland": ExampleCalendar("rutland", "hwb", "Health and Well-Being Board"),
}


@dataclass
class DemoCalendars:
    """What the demo's calendars say: each board's feed token, and what the import did."""

    tokens: dict[str, str] = field(default_factory=dict)  # board key -> calendar token
    imported: dict[str, str] = field(default_factory=dict)  # board key -> import summary


def load_demo(demo: DemoSetup, protocol: Protocol, engine: Engine, now: datetime) -> DemoCalendars:
    """Bind the protocol, schedule meetings, record the past year and read the example feed."""
    with transaction(engine) as session:
        partnership = bind(demo, protocol, session, now)
        example = EXAMPLE_CALENDARS.get(protocol.partnership.key)
        for index, board in enumerate(boards_of(_id(partnership), session=session)):
            if example is None or board.key != example.board:
                add_meetings(board, now, index, session)
        session.flush()
        record_minutes(demo, partnership, now, session)
        materialise(partnership, now, session=session)
        record_history(demo, partnership, now, session)
        calendars = DemoCalendars()
        if example is not None:
            calendars.imported[example.board] = import_example(example, partnership, now, session)
        for board in boards_of(_id(partnership), session=session):
            made = tokens.token_for(
                partnership, board, now=now, actor=SANDBOX_ACTOR, session=session
            )
            calendars.tokens[board.key] = made.token
    return calendars


def bind(demo: DemoSetup, protocol: Protocol, session: Session, now: datetime) -> Partnership:
    store_protocol(protocol, session=session, now=now, actor=SANDBOX_ACTOR)
    session.flush()
    for person in demo.people:
        ensure_person(person.id, session=session, name=person.name)
    setup = SetupFile.model_validate(setup_document(demo))
    apply_setup(setup, session=session, now=now, actor=SANDBOX_ACTOR)
    partnership = partnership_by_key(demo.partnership_key, session=session)
    assert partnership is not None
    return partnership


def meeting_days(start: date, index: int) -> list[date]:
    """A board meets every seven weeks on a working day: twice before the demo day, and from
    ten days after it (each next board a week later) on."""
    first = start + FIRST_MEETING + timedelta(weeks=index)
    return [
        calendar.on_or_after(first + MEETING_EVERY * n)
        for n in range(-MEETINGS_BEFORE, MEETINGS_AFTER)
    ]


def add_meetings(board: Board, now: datetime, index: int, session: Session) -> None:
    assert board.id is not None
    venue = f"{board.key.upper()} meeting room"
    for day in meeting_days(calendar.london_date(now), index):
        starts_at = calendar.at_local_time(day, MEETING_TIME)
        session.add(
            Meeting(board_id=board.id, starts_at=starts_at, venue=venue, created_by=SANDBOX_ACTOR)
        )


def record_minutes(
    demo: DemoSetup, partnership: Partnership, now: datetime, session: Session
) -> None:
    """The minutes of each meeting held before the demo day, shared by the board's secretariat
    a fortnight later, recorded as `/minutes` records them."""
    boards = {b.id: b for b in boards_of(_id(partnership), session=session, retired=True)}
    for meeting in held_before(_id(partnership), now, session=session):
        if meeting.status != MeetingStatus.SCHEDULED:
            continue  # a cancelled meeting has no minutes
        board = boards[meeting.board_id]
        held = calendar.london_date(meeting.starts_at)
        shared_at = calendar.at_local_time(calendar.add_working_days(held, MINUTES_AFTER), DONE_AT)
        if shared_at < now:
            officer = demo.person(board.key, "secretariat")
            inv = Invocation(session, officer.id, demo.channel_of(board.key), shared_at)
            inv._partnership = partnership
            log_share(inv, board, held, None)


def record_history(
    demo: DemoSetup, partnership: Partnership, now: datetime, session: Session
) -> None:
    """Each occurrence due before the demo day, done by an owner board's business manager
    a few working days before it was due, recorded as `/duties done` records it."""
    today = calendar.london_date(now)
    for row, duty in pending_due_before(_id(partnership), today, session=session):
        boards = [key for key in duty.owners if key in demo.board_keys]
        if not boards:
            continue  # owed by partners alone (Cabinet, say): no board records it
        manager = demo.person(boards[0], "business_manager")
        day = max(row.opens, calendar.add_working_days(row.due, -DONE_BEFORE_DUE))
        done_at = calendar.at_local_time(calendar.on_or_after(day), DONE_AT)
        inv = Invocation(session, manager.id, demo.channel_of(manager.board_key), done_at)
        inv._partnership = partnership
        complete(inv, row, duty, OccurrenceStatus.DONE)


def import_example(
    example: ExampleCalendar, partnership: Partnership, now: datetime, session: Session
) -> str:
    """The board's meetings from the bundled feed, as `boardbot meetings import` reads them."""
    board = board_by_key(_id(partnership), example.board, session=session)
    assert board is not None
    feed = read_feed(example_feed(example.feed), now)
    report = apply_feed(
        board,
        feed,
        source=f"example feed {example.feed}.ics",
        now=now,
        actor=SANDBOX_ACTOR,
        session=session,
        match=example.match,
    )
    return report.summary()


def _id(partnership: Partnership) -> int:
    assert partnership.id is not None
    return partnership.id
