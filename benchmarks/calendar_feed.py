"""Time importing a council feed of 2,000 meetings into a board, and exporting its calendar.

Usage: python benchmarks/calendar_feed.py [--postgres URL]
The feed: 20 committees meeting weekly over the coming two years (with a VTIMEZONE, an RRULE
per committee and a few moved and cancelled instances) expands to 2,000 events. Prints the
time of the first import (all created), of a second (all unchanged), of one after 5% moved,
and of exporting the board's calendar. Target: an import < 2 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session

from schedules.feeds.export import export_calendar
from schedules.feeds.read import read_feed
from schedules.feeds.sync import apply_feed
from schedules.protocol import load_protocol
from schedules.protocol.store import store_protocol
from storage.db import make_engine
from storage.migrate import upgrade
from storage.queries.boards import board_by_key
from storage.queries.partnerships import partnership_by_key

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
COMMITTEES, WEEKS = 20, 100  # 2,000 events
VTIMEZONE = Path(__file__).resolve().parent.parent / "tests/schedules/feeds/committees.ics"


def london_vtimezone() -> str:
    lines = VTIMEZONE.read_text().splitlines()
    start, end = lines.index("BEGIN:VTIMEZONE"), lines.index("END:VTIMEZONE")
    return "\n".join(lines[start : end + 1])


def feed(moved_every: int = 0) -> bytes:
    """Each committee's weekly series; every `moved_every`-th week moved an hour later."""
    first = datetime(2026, 11, 30, 10)
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", london_vtimezone()]
    for c in range(COMMITTEES):
        start = first + timedelta(days=c % 5, hours=c % 6)
        uid = f"committee-{c}@bench.example"
        parts += [
            "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z",
            f"DTSTART;TZID=Europe/London:{start:%Y%m%dT%H%M%S}",
            f"RRULE:FREQ=WEEKLY;COUNT={WEEKS}", f"SUMMARY:Committee {c}",
            "LOCATION:Council Chamber", "END:VEVENT",
        ]  # fmt: skip
        for week in range(moved_every, WEEKS, moved_every) if moved_every else ():
            original = start + timedelta(weeks=week)
            parts += [
                "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261120T000000Z",
                f"RECURRENCE-ID;TZID=Europe/London:{original:%Y%m%dT%H%M%S}",
                f"DTSTART;TZID=Europe/London:{original + timedelta(hours=1):%Y%m%dT%H%M%S}",
                f"SUMMARY:Committee {c}", "LOCATION:Council Chamber", "END:VEVENT",
            ]  # fmt: skip
    parts.append("END:VCALENDAR")
    return "\r\n".join(parts).encode()


def timed_import(engine: Engine, data: bytes, now: datetime) -> tuple[float, str]:
    started = time.perf_counter()
    with Session(engine) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership and partnership.id
        board = board_by_key(partnership.id, "hwb", session=session)
        assert board
        report = apply_feed(
            board, read_feed(data, now), source="bench", now=now, actor="bench", session=session
        )
        session.commit()
    return time.perf_counter() - started, report.counts()


def timed_export(engine: Engine) -> float:
    started = time.perf_counter()
    with Session(engine) as session:
        partnership = partnership_by_key("rutland", session=session)
        assert partnership and partnership.id
        board = board_by_key(partnership.id, "hwb", session=session)
        export_calendar(partnership, board, NOW, session=session)
    return time.perf_counter() - started


def prepare(url: str) -> Engine:
    upgrade(url)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE partnership, board, meeting, auditentry CASCADE"))
    with Session(engine) as session:
        store_protocol(load_protocol("rutland"), session=session, now=NOW)
        session.commit()
    return engine


def run(url: str, label: str) -> None:
    engine = prepare(url)
    original, moved = feed(), feed(moved_every=20)
    first, said = timed_import(engine, original, NOW)
    print(f"{label}: first import {first:.2f} s ({said})")
    again = [timed_import(engine, original, NOW + timedelta(minutes=m)) for m in (1, 2, 3)]
    print(f"{label}: re-import {statistics.median(t for t, _ in again):.2f} s ({again[0][1]})")
    changed, said = timed_import(engine, moved, NOW + timedelta(minutes=4))
    print(f"{label}: import with moves {changed:.2f} s ({said})")
    print(f"{label}: export of the board's calendar {timed_export(engine):.2f} s")
    worst = max(first, changed, *(t for t, _ in again))
    print(f"{label}: slowest import {worst:.2f} s (target < 2 s): {'ok' if worst < 2 else 'SLOW'}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its data is wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite3", "SQLite")
    if args.postgres:
        run(args.postgres, "PostgreSQL")


if __name__ == "__main__":
    main()
