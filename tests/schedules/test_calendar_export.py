"""A board's calendar as iCalendar: parsed back by icalendar, valid, and right across the clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
from sqlmodel import col, select

from schedules.feeds.export import export_calendar
from schedules.occurrences import materialise
from storage.models import Board, Escalation, Meeting, Partnership
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import NOW, BoundPartnership
from tests.commands.test_escalate import add_suffolk_ladder
from tests.schedules.test_feed_import import run_import


def rutland(bound: BoundPartnership) -> Partnership:
    found = partnership_by_key("rutland", session=bound.session)
    assert found and found.id
    return found


def board(bound: BoundPartnership, key: str) -> Board:
    found = board_by_key(rutland(bound).id or 0, key, session=bound.session)
    assert found
    return found


def exported(bound: BoundPartnership, key: str | None = "hwb", now: datetime = NOW) -> Any:
    partnership = rutland(bound)
    materialise(partnership, now, session=bound.session)
    file = export_calendar(
        partnership, board(bound, key) if key else None, now, session=bound.session
    )
    return icalendar.Calendar.from_ical(file.body), file


def vevents(cal: Any) -> dict[str, Any]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_every_event_has_a_uid_a_dtstamp_and_a_start(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    cal, _ = exported(bound)
    events = cal.walk("VEVENT")
    assert len(events) > 7
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event.keys()), event.to_ical()
        assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(cal["VERSION"]) == "2.0" and "boardbot" in str(cal["PRODID"])
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_meetings_keep_their_london_time_across_the_clock_change(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    cal, _ = exported(bound)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    london = zone.to_tz(lookup_tzid=False)  # the VTIMEZONE's own rules, not the system's
    starts = {}
    for event in cal.walk("VEVENT"):
        if str(event["UID"]).startswith("meeting-") and event["DTSTART"].params.get("TZID"):
            local = event.decoded("DTSTART").replace(tzinfo=None)
            assert event["DTSTART"].params["TZID"] == "Europe/London"
            starts[local] = local.replace(tzinfo=london).astimezone(UTC)
    assert starts[datetime(2027, 3, 25, 14, 0)] == datetime(2027, 3, 25, 14, tzinfo=UTC)  # GMT
    assert starts[datetime(2027, 4, 8, 14, 0)] == datetime(2027, 4, 8, 13, tzinfo=UTC)  # BST
    stored = {m.starts_at for m in bound.session.exec(select(Meeting)) if not m.all_day}
    assert set(starts.values()) == stored


def test_an_all_day_meeting_is_a_date_and_a_cancelled_one_says_so(bound: BoundPartnership) -> None:
    run_import(bound, "committees.ics")
    run_import(bound, "committees-later.ics", now=NOW + timedelta(days=1))
    cal, _ = exported(bound)
    (day,) = [e for e in cal.walk("VEVENT") if e.decoded("DTSTART") == date(2027, 2, 4)]
    assert day.decoded("DTEND") == date(2027, 2, 5)
    assert str(day["STATUS"]) == "CANCELLED" and int(day["SEQUENCE"]) == 1
    assert str(day["LOCATION"]) == "Victoria Hall"


def test_sequence_rises_with_every_change_and_uids_stay(bound: BoundPartnership) -> None:
    bound.run("/meetings", "add hwb 20 January 2027 at 14:00; Main Hall", "U0HWBBM")
    (meeting,) = bound.session.exec(select(Meeting)).all()
    uid = f"meeting-{meeting.id}@rutland.boardbot"
    first, file_one = exported(bound)
    assert int(vevents(first)[uid]["SEQUENCE"]) == 0
    _, file_again = exported(bound)
    assert file_again == file_one  # same data, same bytes, same ETag
    bound.run("/meetings", f"move {meeting.id} 21 January 2027 at 10:00", "U0HWBBM")
    bound.run("/meetings", f"cancel {meeting.id}", "U0HWBBM")
    moved, file_two = exported(bound)
    event = vevents(moved)[uid]
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 1, 21, 10, tzinfo=UTC)
    assert file_two.etag != file_one.etag


def test_open_duties_are_all_day_windows_ending_on_their_due_date(bound: BoundPartnership) -> None:
    cal, _ = exported(bound, "lrlscb")
    duties = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("duty-")]
    assert duties
    report = [e for e in duties if "LRLSCB annual report to the HWB" in str(e["SUMMARY"])]
    assert report
    for event in report:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date and start < end
    annual = next(e for e in report if e.decoded("DTSTART") == date(2026, 9, 1))
    assert annual.decoded("DTEND") == date(2026, 12, 1)  # due 30 November, a Monday


def test_escalation_deadlines_rise_in_sequence_as_they_climb(bound: BoundPartnership) -> None:
    add_suffolk_ladder(bound)
    bound.run("/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    (row,) = bound.session.exec(select(Escalation).order_by(col(Escalation.id))).all()
    uid = f"escalation-{row.id}@rutland.boardbot"
    cal, _ = exported(bound)
    event = vevents(cal)[uid]
    assert event.decoded("DTSTART") == row.stage_deadline and int(event["SEQUENCE"]) == 0
    bound.run("/escalate", f"advance {row.id} No reply yet", "U0HWBBM")
    cal, _ = exported(bound, now=NOW + timedelta(days=1))
    bound.session.refresh(row)
    event = vevents(cal)[uid]
    assert event.decoded("DTSTART") == row.stage_deadline and int(event["SEQUENCE"]) == 1
    assert uid not in vevents(exported(bound, "lrsab")[0])


def test_the_partnership_calendar_holds_every_boards_meetings(bound: BoundPartnership) -> None:
    bound.run("/meetings", "add hwb 20 January 2027 at 14:00", "U0HWBBM")
    bound.run("/meetings", "add lrsab 21 January 2027 at 10:00", "U0SABBM")
    cal, _ = exported(bound, None)
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert {"HWB meeting", "LRSAB meeting"} <= summaries
    assert str(cal["X-WR-CALNAME"]).startswith("Rutland Health")
