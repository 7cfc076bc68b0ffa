"""Reading a feed over real HTTP on 127.0.0.1: conditional GETs, and every way it can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.feeds.fetch import MAX_BYTES, FeedError, fetch, read_file, read_location
from tests.schedules.feed_server import Answer, feed_bytes, feed_server

CALENDAR = feed_bytes("committees.ics")
ETAG = '"v1-committees"'
MODIFIED = "Fri, 20 Nov 2026 09:00:00 GMT"


def test_it_reads_a_feed_and_keeps_its_etag_and_last_modified() -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(CALENDAR, etag=ETAG, last_modified=MODIFIED)
        fetched = fetch(server.url("/c.ics"))
    assert (fetched.body, fetched.etag, fetched.last_modified) == (CALENDAR, ETAG, MODIFIED)


def test_it_asks_with_if_none_match_and_if_modified_since_and_understands_304() -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(CALENDAR, etag=ETAG, last_modified=MODIFIED)
        again = fetch(server.url("/c.ics"), etag=ETAG, last_modified=MODIFIED)
        (request,) = server.requests_to("/c.ics")
    assert again.body is None and again.etag == ETAG
    assert request["If-None-Match"] == ETAG and request["If-Modified-Since"] == MODIFIED


def test_a_last_modified_alone_gets_a_304_too() -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(CALENDAR, last_modified=MODIFIED)
        assert fetch(server.url("/c.ics"), last_modified=MODIFIED).body is None
        assert fetch(server.url("/c.ics"), last_modified="Mon, 02 Nov 2026 09:00:00 GMT").body


def test_webcal_addresses_are_read_over_https_and_others_are_refused() -> None:
    with pytest.raises(FeedError, match="not a web address"):
        fetch("file:///etc/passwd")
    with pytest.raises(FeedError, match="could not reach the feed"):
        fetch("webcal://127.0.0.1:9/c.ics", timeout=2)  # https on a closed port


def test_a_server_error_is_one_line_naming_the_status() -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(b"oops", status=500)
        with pytest.raises(FeedError) as failed:
            fetch(server.url("/c.ics"))
    assert str(failed.value) == "the feed answered HTTP 500 Internal Server Error"


def test_a_server_that_never_answers_times_out() -> None:
    with feed_server() as server:
        server.answers["/c.ics"] = Answer(stall=True)
        with pytest.raises(FeedError, match=r"did not answer within 0\.2 seconds"):
            fetch(server.url("/c.ics"), timeout=0.2)


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_feed_over_five_megabytes_is_refused(declare_length: bool) -> None:
    big = b"BEGIN:VCALENDAR\n" + b"X" * MAX_BYTES
    with feed_server() as server:
        server.answers["/big.ics"] = Answer(big, declare_length=declare_length)
        with pytest.raises(FeedError, match="larger than 5 MB"):
            fetch(server.url("/big.ics"))


def test_a_file_is_read_with_the_same_limit(tmp_path: Path) -> None:
    saved = tmp_path / "c.ics"
    saved.write_bytes(CALENDAR)
    assert read_location(str(saved)) == CALENDAR
    saved.write_bytes(b"X" * (MAX_BYTES + 1))
    with pytest.raises(FeedError, match="larger than 5 MB"):
        read_file(str(saved))
    with pytest.raises(FeedError, match="no such file"):
        read_location(str(tmp_path / "missing.ics"))
