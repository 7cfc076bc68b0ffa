"""The bundled example feed: the sandbox HWB's recurring meeting, a moved one, a cancelled one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from schedules.feeds.examples import example_feed
from schedules.feeds.read import read_feed
from schedules.feeds.sync import apply_feed
from schedules.meeting_times import when_label
from storage.models import Meeting
from tests.commands.conftest import NOW, BoundPartnership
from tests.schedules.test_feed_import import hwb

MATCH = "Health and Well-Being Board"


def test_the_example_feed_is_read_whenever_the_sandbox_runs() -> None:
    for now in (NOW, datetime(2028, 6, 1, tzinfo=UTC), datetime(2030, 1, 15, tzinfo=UTC)):
        events = [e for e in read_feed(example_feed(), now).events if MATCH in e.summary]
        ahead = [e for e in events if e.starts_at > now]
        assert any(e.cancelled for e in ahead), now
        assert any(e.recurrence and "moved" in e.summary for e in ahead), now
        assert sum(not e.cancelled for e in ahead) >= 5, now


def test_importing_it_into_the_hwb_shows_the_three_kinds_of_meeting(
    bound: BoundPartnership,
) -> None:
    feed = read_feed(example_feed(), NOW)
    report = apply_feed(
        hwb(bound), feed, source="example:rutland", now=NOW, actor="sandbox",
        session=bound.session, match=MATCH,
    )  # fmt: skip
    assert (
        report.created >= 10
        and report.skipped["cancelled in the feed before ever being imported"] >= 2
    )
    labels = [
        when_label(m) for m in bound.session.exec(select(Meeting).order_by(col(Meeting.starts_at)))
    ]  # type: ignore[arg-type]
    assert labels[0] == "Tuesday 19 January 2027, 14:00"
    assert "Wednesday 17 March 2027, 10:00" in labels  # moved from Tuesday afternoon
    assert not any("July 2027" in label for label in labels)  # cancelled
    assert "Tuesday 18 May 2027, 14:00" in labels  # British Summer Time, still 14:00
