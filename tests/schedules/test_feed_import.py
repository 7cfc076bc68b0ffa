"""An import keeps a board's meetings in step with its feed, and tells the channel once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from schedules.clock import tick
from schedules.feeds.read import read_feed
from schedules.feeds.sync import ImportReport, apply_feed
from storage.models import AuditEntry, Board, Meeting, OutboxPrompt
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import NOW, BoundPartnership
from tests.schedules.clock_helpers import RecordingSender
from tests.schedules.feed_server import feed_bytes

HWB_ONLY = "Health and Well-Being Board"
SOURCE = "https://committees.example.gov.uk/calendar.ics"


def hwb(bound: BoundPartnership) -> Board:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership and partnership.id
    board = board_by_key(partnership.id, "hwb", session=bound.session)
    assert board
    return board


def run_import(
    bound: BoundPartnership,
    name: str,
    now: datetime = NOW,
    match: str = HWB_ONLY,
    source: str = SOURCE,
) -> ImportReport:
    feed = read_feed(feed_bytes(name), now)
    report = apply_feed(
        hwb(bound), feed, source=source, now=now, actor="cli", session=bound.session, match=match
    )
    bound.session.commit()
    return report


def meetings(bound: BoundPartnership) -> list[Meeting]:
    return list(bound.session.exec(select(Meeting).order_by(col(Meeting.starts_at))))


def by_uid(bound: BoundPartnership, uid_start: str) -> list[Meeting]:
    return [m for m in meetings(bound) if (m.feed_uid or "").startswith(uid_start)]


def test_it_creates_the_boards_meetings_and_says_what_it_skipped(bound: BoundPartnership) -> None:
    report = run_import(bound, "committees.ics")
    assert (report.created, report.moved, report.cancelled, report.unchanged) == (7, 0, 0, 0)
    assert report.skipped == {
        f"not matching '{HWB_ONLY}'": 3,
        "already past": 1,
        "cancelled in the feed before ever being imported": 1,
    }
    assert report.counts() == "created 7, moved 0, cancelled 0, unchanged 0, skipped 5"
    found = meetings(bound)
    assert all(m.origin == "feed" and m.status == "scheduled" for m in found)
    (day,) = [m for m in found if m.all_day]
    assert (day.starts_at, day.venue) == (datetime(2027, 2, 4, 0, tzinfo=UTC), "Victoria Hall")
    assert {m.starts_at for m in found} >= {
        datetime(2027, 3, 25, 14, tzinfo=UTC),  # GMT
        datetime(2027, 4, 8, 13, tzinfo=UTC),  # 14:00 BST
    }
    added = bound.session.exec(
        select(AuditEntry).where(AuditEntry.action == "meeting.imported")
    ).all()
    assert len(added) == 7 and all(entry.actor == "cli" for entry in added)


def test_a_second_import_of_the_same_feed_changes_nothing(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    before = [(m.id, m.starts_at, m.status, m.sequence) for m in meetings(bound)]
    report = run_import(bound, "committees.ics", now=NOW + timedelta(hours=1))
    assert (report.created, report.moved, report.cancelled, report.unchanged) == (0, 0, 0, 7)
    assert [(m.id, m.starts_at, m.status, m.sequence) for m in meetings(bound)] == before


def test_a_later_feed_moves_one_and_cancels_two_by_status_and_by_absence(
    bound: BoundPartnership,
) -> None:
    run_import(bound, "committees.ics")
    report = run_import(bound, "committees-later.ics", now=NOW + timedelta(days=1))
    assert (report.created, report.moved, report.cancelled, report.unchanged) == (0, 1, 2, 4)
    (moved,) = by_uid(bound, "hwb-2026-12-15")
    assert (moved.starts_at, moved.sequence) == (datetime(2026, 12, 16, 10, tzinfo=UTC), 1)
    (day,) = by_uid(bound, "hwb-development-day")
    assert day.status == "cancelled"  # gone from a feed that still covers February
    instance = [m for m in by_uid(bound, "hwb-spring") if m.feed_recurrence == "20270325T140000Z"]
    assert instance[0].status == "cancelled"
    actions = [
        e.action
        for e in bound.session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))
        if e.action.endswith("_by_feed")
    ]
    assert sorted(actions) == [
        "meeting.cancelled_by_feed",
        "meeting.cancelled_by_feed",
        "meeting.moved_by_feed",
    ]


def test_a_meeting_typed_by_hand_is_never_touched(bound: BoundPartnership) -> None:
    bound.run("/meetings", "add hwb 20 January 2027 at 14:00; Main Hall", "U0HWBBM")
    bound.run("/meetings", "add hwb 15 December 2026 at 14:00; Council Chamber", "U0HWBBM")
    hand = {m.id: (m.starts_at, m.status, m.venue) for m in meetings(bound)}
    report = run_import(bound, "committees.ics")
    # 15 December at 14:00 is already here, typed in by hand: not a second meeting.
    assert report.skipped["already typed in by hand"] == 1
    run_import(bound, "committees-later.ics", now=NOW + timedelta(days=1))
    for meeting in meetings(bound):
        if meeting.id in hand:
            assert (meeting.starts_at, meeting.status, meeting.venue) == hand[meeting.id]
            assert meeting.origin == "hand"


def test_a_meeting_moved_by_hand_is_left_alone_by_later_imports(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    (meeting,) = by_uid(bound, "hwb-2026-12-15")
    bound.run("/meetings", f"move {meeting.id} 17 December 2026 at 11:00", "U0HWBBM")
    report = run_import(bound, "committees-later.ics", now=NOW + timedelta(days=1))
    assert report.skipped["changed by hand since imported"] == 1
    bound.session.refresh(meeting)
    assert meeting.starts_at == datetime(2026, 12, 17, 11, tzinfo=UTC)


def test_meetings_already_past_are_history_and_stay_as_they_were(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    after_december = datetime(2026, 12, 20, 10, tzinfo=UTC)
    report = run_import(bound, "committees-later.ics", now=after_december)
    (december,) = by_uid(bound, "hwb-2026-12-15")
    assert december.starts_at == datetime(2026, 12, 15, 14, tzinfo=UTC)
    assert report.skipped["already past"] >= 1


def test_an_empty_feed_cancels_nothing(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    empty = b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nEND:VCALENDAR\n"
    report = apply_feed(
        hwb(bound), read_feed(empty, NOW), source=SOURCE, now=NOW, actor="cli",
        session=bound.session,
    )  # fmt: skip
    assert report.cancelled == 0
    assert all(m.status == "scheduled" for m in meetings(bound))


def test_the_boards_channel_hears_of_each_move_and_cancellation_once(
    bound: BoundPartnership, engine: object
) -> None:
    run_import(bound, "committees.ics")
    later = datetime(2026, 11, 24, 10, tzinfo=UTC)  # a Tuesday morning
    run_import(bound, "committees-later.ics", now=later)
    sender = RecordingSender()
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    tick(engine, later + timedelta(minutes=5), sender)
    tick(engine, later + timedelta(minutes=10), sender)
    run_import(bound, "committees-later.ics", now=later + timedelta(minutes=12))
    tick(engine, later + timedelta(minutes=15), sender)
    told = [row for row in sender.sent if row.kind == "meeting_changed"]
    assert len(told) == 3 and {row.recipient for row in told} == {"C0HWB"}
    texts = sorted(row.payload["text"] for row in told)
    assert any(
        "has moved, as the board's calendar feed says: now Wednesday 16 December 2026, 10:00" in t
        and "(was Tuesday 15 December 2026, 14:00)" in t
        for t in texts
    )
    assert any(
        "Thursday 4 February 2027, all day" in t and "no longer lists it" in t for t in texts
    )
    assert any("Thursday 25 March 2027, 14:00" in t and "says so" in t for t in texts)
    rows = bound.session.exec(
        select(OutboxPrompt).where(OutboxPrompt.kind == "meeting_changed")
    ).all()
    assert len(rows) == 3
