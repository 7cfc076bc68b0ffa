"""A feed's events as meetings-to-be: repeats expanded, times read in their zone, keys stable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schedules.feeds.fetch import FeedError
from schedules.feeds.read import FeedEvent, read_feed
from tests.commands.conftest import NOW
from tests.schedules.feed_server import feed_bytes

SERIES = "hwb-spring-series-2027@committees.example.gov.uk"


def events(name: str) -> dict[tuple[str, str], FeedEvent]:
    return {event.key: event for event in read_feed(feed_bytes(name), NOW).events}


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_it_reads_every_committee_of_a_shared_feed() -> None:
    summaries = {e.summary for e in events("committees.ics").values()}
    assert summaries == {
        "Health and Well-Being Board",
        "Health and Well-Being Board development day",
        "Health and Well-Being Board (extraordinary meeting)",
        "Cabinet",
        "Scrutiny Committee",
        "Safeguarding Children Board",
    }


def test_a_weekly_series_skips_its_exdate_and_moves_an_instance_by_recurrence_id() -> None:
    series = sorted(
        (e for e in events("committees.ics").values() if e.uid == SERIES),
        key=lambda e: e.starts_at,
    )
    assert [(e.recurrence, e.starts_at) for e in series] == [
        ("20270311T140000Z", at(2027, 3, 11, 14)),
        ("20270318T140000Z", at(2027, 3, 19, 10)),  # moved to Friday morning
        ("20270325T140000Z", at(2027, 3, 25, 14)),
        # 1 April is an EXDATE; the clocks went forward on 28 March: 14:00 BST is 13:00 UTC.
        ("20270408T130000Z", at(2027, 4, 8, 13)),
        ("20270415T130000Z", at(2027, 4, 15, 13)),
    ]
    assert series[1].location == "Committee Room 1"
    assert series[0].location == "Council Chamber, Catmose"


def test_utc_floating_and_all_day_times_are_read_as_london_meetings() -> None:
    found = {e.uid.split("@")[0]: e for e in events("committees.ics").values()}
    assert found["cabinet-2027-01-05"].starts_at == at(2027, 1, 5, 10)
    assert found["scrutiny-2027-01-12"].starts_at == at(2027, 1, 12, 18, 30)  # floating: London
    day = found["hwb-development-day-2027"]
    assert (day.all_day, day.starts_at, day.recurrence) == (True, at(2027, 2, 4, 0), "")
    assert found["lrlscb-2027-01-20"].starts_at == at(2027, 1, 20, 9, 30)


def test_a_single_event_is_keyed_by_its_uid_alone_so_that_moving_it_keeps_the_key() -> None:
    before = events("committees.ics")
    after = events("committees-later.ics")
    key = ("hwb-2026-12-15@committees.example.gov.uk", "")
    assert before[key].starts_at == at(2026, 12, 15, 14)
    assert after[key].starts_at == at(2026, 12, 16, 10)


def test_a_cancelled_event_and_a_cancelled_instance_are_marked_cancelled() -> None:
    found = events("committees-later.ics")
    assert found[("hwb-extraordinary-2027-02-18@committees.example.gov.uk", "")].cancelled
    assert found[(SERIES, "20270325T140000Z")].cancelled
    assert not found[(SERIES, "20270311T140000Z")].cancelled


def test_tzids_without_a_vtimezone_are_read_in_their_zone_windows_names_too() -> None:
    feed = read_feed(feed_bytes("outlook-without-vtimezone.ics"), NOW)
    starts = sorted(e.starts_at for e in feed.events)
    assert starts == [at(2027, 1, 27, 10), at(2027, 4, 28, 9)]  # GMT, then BST
    assert feed.refresh == timedelta(days=1)


def test_the_feed_asks_to_be_read_no_more_often_than_its_ttl() -> None:
    assert read_feed(feed_bytes("committees.ics"), NOW).refresh == timedelta(hours=6)


def test_only_one_year_back_and_two_years_ahead_are_read() -> None:
    weekly = (
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:w@t\n"
        b"DTSTAMP:20200101T000000Z\nDTSTART:20200106T100000Z\nRRULE:FREQ=WEEKLY\n"
        b"SUMMARY:Weekly\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    starts = [e.starts_at for e in read_feed(weekly, NOW).events]
    assert min(starts) >= NOW - timedelta(days=366)
    assert max(starts) <= NOW + timedelta(days=2 * 366)
    assert 150 <= len(starts) <= 158  # three years of Mondays


def test_events_without_a_uid_are_counted_as_unusable() -> None:
    data = (
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\n"
        b"DTSTAMP:20260101T000000Z\nDTSTART:20270106T100000Z\nSUMMARY:No UID\nEND:VEVENT\n"
        b"END:VCALENDAR\n"
    )
    feed = read_feed(data, NOW)
    assert feed.events == [] and feed.unusable == {"without a UID": 1}


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b"<!DOCTYPE html><html><body>Sign in</body></html>",
            "not iCalendar (it begins '<!DOCTYPE",
        ),
        (b"", "not iCalendar (it is empty)"),
        (b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\n", "not valid iCalendar"),
    ],
)
def test_what_is_not_icalendar_is_refused_with_one_line(data: bytes, said: str) -> None:
    with pytest.raises(FeedError) as refused:
        read_feed(data, NOW)
    assert said in str(refused.value) and "\n" not in str(refused.value)
