"""/meetings subscribe, unsubscribe and feed; and all-day meetings shown without a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from commands.context import Invocation
from commands.home import home_blocks
from commands.meetings import listing
from commands.registry import command_handler
from commands.reply import Link, Reply
from schedules.digest import build_digest
from schedules.prompts import agenda_pack
from storage.errors import BoardbotError
from storage.models import AuditEntry, Board, CalendarToken, FeedSubscription, Meeting
from tests.commands.conftest import NOW, OUTSIDER, BoundPartnership
from tests.commands.test_home import text_of
from tests.schedules.feed_server import Answer, FeedServer, feed_bytes, feed_server

PUBLIC = "https://boardbot.example.org"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        running.answers["/c.ics"] = Answer(feed_bytes("committees.ics"), etag='"v1"')
        yield running


def subscriptions(bound: BoundPartnership) -> list[FeedSubscription]:
    return list(bound.session.exec(select(FeedSubscription)))


def test_a_business_manager_subscribes_a_board_to_its_feed(
    bound: BoundPartnership, server: FeedServer
) -> None:
    url = server.url("/c.ics")
    reply = bound.run(
        "/meetings", f"subscribe hwb {url} --match Health and Well-Being Board", "U0HWBBM"
    )
    assert reply.message.text.startswith(
        "HWB now follows its calendar feed (events titled 'Health and Well-Being Board'): "
        "created 7, moved 0, cancelled 0, unchanged 0, skipped 5"
    )
    (found,) = subscriptions(bound)
    assert (found.url, found.match, found.created_by) == (
        url,
        "Health and Well-Being Board",
        "U0HWBBM",
    )
    assert len(bound.session.exec(select(Meeting)).all()) == 7


def test_subscribing_again_replaces_the_feed_and_keeps_one_subscription(
    bound: BoundPartnership, server: FeedServer
) -> None:
    bound.run("/meetings", f"subscribe hwb {server.url('/c.ics')}", "U0HWBSEC")
    server.answers["/d.ics"] = Answer(feed_bytes("committees.ics"))
    bound.run("/meetings", f"subscribe hwb {server.url('/d.ics')} --match Health", "U0HWBBM")
    (found,) = subscriptions(bound)
    assert found.url.endswith("/d.ics") and found.match == "Health"


@pytest.mark.parametrize(
    ("text", "user", "said"),
    [
        ("subscribe hwb https://x.example/c.ics", "U0HWBCHAIR", "business manager or secretariat"),
        ("subscribe hwb", "U0HWBBM", "give the board and the calendar feed's address"),
        ("subscribe hwb ftp://x.example/c.ics", "U0HWBBM", "is not a web address"),
        ("subscribe hwb https://x.example/c.ics --match", "U0HWBBM", "give the text to match"),
        ("subscribe nope https://x.example/c.ics", "U0HWBBM", "no board called 'nope'"),
        ("unsubscribe hwb", "U0HWBBM", "HWB does not follow a calendar feed"),
        ("unsubscribe", "U0HWBBM", "give the board"),
        ("feed hwb", OUTSIDER, "to get HWB's calendar you need to be"),
    ],
)
def test_wrong_or_unpermitted_requests_are_refused_and_write_nothing(
    bound: BoundPartnership, text: str, user: str, said: str
) -> None:
    with pytest.raises(BoardbotError, match=said):
        bound.run("/meetings", text, user)


def test_a_feed_that_cannot_be_read_is_refused_and_nothing_is_stored(
    bound: BoundPartnership, server: FeedServer
) -> None:
    server.answers["/c.ics"] = Answer(b"<html>Sign in</html>")
    with pytest.raises(BoardbotError, match="could not read that feed: the feed is not iCalendar"):
        bound.run("/meetings", f"subscribe hwb {server.url('/c.ics')}", "U0HWBBM")
    assert subscriptions(bound) == []


def test_unsubscribing_keeps_the_meetings_it_brought(
    bound: BoundPartnership, server: FeedServer
) -> None:
    bound.run("/meetings", f"subscribe hwb {server.url('/c.ics')}", "U0HWBBM")
    reply = bound.run("/meetings", "unsubscribe HWB", "U0HWBBM")
    assert "no longer follows its calendar feed" in reply.message.text
    assert subscriptions(bound) == []
    assert bound.session.exec(select(Meeting)).all()
    actions = [e.action for e in bound.session.exec(select(AuditEntry))]
    assert "feed.subscribed" in actions and "feed.unsubscribed" in actions


def run_feed(
    bound: BoundPartnership, text: str, user: str, public_url: str | None = PUBLIC
) -> Reply:
    inv = Invocation(bound.session, user, "C0HWB", NOW, public_url=public_url)
    reply = command_handler("/meetings")(inv, text)
    bound.session.commit()
    return reply


def test_feed_sends_a_role_holder_the_boards_calendar_address_in_a_dm(
    bound: BoundPartnership,
) -> None:
    reply = run_feed(bound, "feed hwb", "U0HWBCHAIR")
    assert reply.ephemeral and "direct message" in reply.message.text
    (dm,) = reply.posts
    assert dm.channel == "U0HWBCHAIR"
    (token,) = bound.session.exec(select(CalendarToken)).all()
    url = f"{PUBLIC}/calendar/{token.token}.ics"
    links = [
        part
        for block in dm.blocks
        for line in block.lines
        for part in line
        if isinstance(part, Link)
    ]
    assert [link.url for link in links] == [url]
    assert url in dm.text
    assert run_feed(bound, "feed hwb", "U0HWBBM").posts[0].text == dm.text  # the same address


def test_feed_without_a_board_gives_the_whole_partnerships_calendar(
    bound: BoundPartnership,
) -> None:
    (dm,) = run_feed(bound, "feed", "U0SABBM").posts
    (token,) = bound.session.exec(select(CalendarToken)).all()
    assert token.board_key == "" and token.token in dm.text
    with pytest.raises(BoardbotError, match="need a role on one of its boards"):
        run_feed(bound, "feed", OUTSIDER)


def test_feed_needs_the_public_address_to_be_set(bound: BoundPartnership) -> None:
    with pytest.raises(BoardbotError, match="BOARDBOT_PUBLIC_URL"):
        run_feed(bound, "feed hwb", "U0HWBBM", public_url=None)
    bound.session.rollback()
    assert bound.session.exec(select(CalendarToken)).all() == []


def test_the_help_text_tells_of_calendars(bound: BoundPartnership) -> None:
    text = bound.run("/meetings", "help", "U0HWBBM").message.text
    for verb in ("/meetings subscribe BOARD URL [--match TEXT]", "/meetings unsubscribe BOARD"):
        assert verb in text
    assert "/meetings feed [BOARD]" in text


def all_day_meeting(bound: BoundPartnership) -> Meeting:
    from schedules.meeting_times import all_day_start

    hwb_id = bound.session.exec(select(Board.id).where(Board.key == "hwb")).one()
    meeting = Meeting(
        board_id=hwb_id, starts_at=all_day_start(datetime(2026, 11, 30).date()), all_day=True,
        venue="Victoria Hall", origin="feed", feed_uid="day@x", feed_recurrence="",
    )  # fmt: skip
    bound.session.add(meeting)
    bound.session.commit()
    return meeting


def test_an_all_day_meeting_is_shown_without_a_time_everywhere(bound: BoundPartnership) -> None:
    meeting = all_day_meeting(bound)
    inv = bound.invocation("U0HWBBM")
    shown = " ".join(text_of(listing(inv, None).message.blocks))
    assert "Monday 30 November 2026, all day · Victoria Hall" in shown
    home = " ".join(text_of(home_blocks(inv)))
    assert "Monday 30 November 2026, all day" in home and "00:00" not in home
    partnership = inv.partnership
    (pack,) = agenda_pack.plan_from_storage(partnership, NOW, session=bound.session)
    assert pack.text.startswith("HWB meets on 30 November 2026 (all day).")
    digest = build_digest(partnership, NOW + timedelta(days=7), session=bound.session)
    (line,) = {s.title: s.items for s in digest.sections}["Meetings this week"]
    assert line == "HWB Mon 30 Nov, all day, Victoria Hall"
    assert meeting.id is not None


def test_moving_an_imported_meeting_by_hand_gives_it_a_time_and_takes_it_over(
    bound: BoundPartnership,
) -> None:
    meeting = all_day_meeting(bound)
    reply = bound.run("/meetings", f"move {meeting.id} 1 December 2026 at 10:00", "U0HWBBM")
    assert reply.message.text.endswith(
        " moved by @U0HWBBM: Tuesday 1 December 2026, 10:00, Victoria Hall."
    )
    bound.session.refresh(meeting)
    assert (meeting.all_day, meeting.origin, meeting.sequence) == (False, "hand", 1)
    assert meeting.changed_at == NOW
    assert meeting.starts_at == datetime(2026, 12, 1, 10, tzinfo=UTC)
