"""Time the clock's tick and the digest over a synthetic 500 boards and 50,000 occurrences.

Usage: python benchmarks/tick.py [--postgres URL]
Prints, for each database: the time of a quiet tick (nothing due), of a tick with 1% of
occurrences due, and of building a digest. Targets: tick < 5 s, digest < 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, text, update
from sqlmodel import Session, col, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schedules.clock import Delivery, tick
from schedules.digest import build_digest
from schedules.protocol import parse_protocol
from schedules.protocol.store import store_protocol
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import DutyOccurrence, Membership, OutboxPrompt, Partnership
from storage.queries.boards import boards_of
from storage.queries.partnerships import partnership_by_key, started_using
from storage.queries.people import ensure_person
from storage.roles import Role

PARTNERSHIPS, BOARDS, DUTIES = 10, 50, 420  # 10 x 420 duties x 4 quarters x 3 years = 50,400
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SINCE = date(2024, 1, 1)


class NullSender:
    """Slack answers instantly: the figures are boardbot's own work."""

    workspace = "T0BENCH"

    def __init__(self) -> None:
        self.count = 0

    def check(self) -> str | None:
        return None

    def send(self, row: OutboxPrompt) -> Delivery:
        self.count += 1
        return Delivery(channel=row.recipient, ts=f"{self.count}.000000")

    def find_sent(self, row: OutboxPrompt) -> tuple[str, str] | None:
        return None


def synthetic_protocol(index: int) -> str:
    boards = "\n".join(f"  - {{key: b{b}, name: Board {b}, kind: other}}" for b in range(BOARDS))
    duties = "\n".join(
        f"  - {{id: d{d}, title: Duty {d}, owners: [b{d % BOARDS}], "
        f"counterparts: [b{(d + 1) % BOARDS}], evidence: e, clause: '{d}', "
        "schedule: {every: quarter}}"
        for d in range(DUTIES)
    )
    head = f"partnership: {{key: p{index}, name: Partnership {index}}}"
    return f"{head}\nboards:\n{boards}\nduties:\n{duties}\n"


def populate(engine: Engine) -> None:
    with Session(engine) as session:
        for index in range(PARTNERSHIPS):
            protocol = parse_protocol(synthetic_protocol(index), f"p{index}.yaml")
            store_protocol(protocol, session=session, now=NOW)
            session.flush()
            partnership = partnership_by_key(f"p{index}", session=session)
            assert partnership and partnership.id
            partnership.digest_channel = f"CDIGEST{index}"
            # In use since before its first year, as `setup apply --since` says: every
            # occurrence counts, so the busy tick has overdue prompts to send.
            started_using(partnership, SINCE, given=True)
            for board in boards_of(partnership.id, session=session):
                assert board.id
                board.channel_id = f"C{index}X{board.key.upper()}"
                for role in (Role.CHAIR, Role.BUSINESS_MANAGER):
                    person = ensure_person(
                        f"U{index}X{board.key.upper()}{role[:2]}", session=session
                    )
                    assert person.id
                    session.add(Membership(person_id=person.id, board_id=board.id, role=role))
        session.commit()
    tick(engine, NOW - timedelta(days=1), NullSender())  # materialise and send what is due
    # The planner's statistics, as the database's own maintenance (autovacuum) keeps them after
    # a bulk load; without them PostgreSQL guesses one row per table and plans badly.
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(engine: Engine, label: str) -> None:
    print(f"\n{label}: populating {PARTNERSHIPS * BOARDS} boards …", flush=True)
    populate(engine)
    with Session(engine) as session:
        occurrences = session.exec(select(func.count()).select_from(DutyOccurrence)).one()
    print(f"  occurrences: {occurrences}")
    tick(engine, NOW, NullSender())  # today's prompts, so the next ticks are quiet
    quiet = []
    for step in range(1, 6):
        at = NOW + timedelta(minutes=5 * step)
        quiet.append(timed(partial(tick, engine, at, NullSender())))
    print(f"  quiet tick: median {statistics.median(quiet) * 1000:.0f} ms (target < 5000 ms)")
    with Session(engine) as session:
        ids = session.exec(select(DutyOccurrence.id).order_by(col(DutyOccurrence.id))).all()
        chosen = ids[::100]
        session.execute(
            update(DutyOccurrence)
            .where(col(DutyOccurrence.id).in_(chosen))
            .values(status="pending", next_prompt_at=NOW)
        )
        session.commit()
    sender = NullSender()
    busy = timed(lambda: tick(engine, NOW + timedelta(hours=1), sender))
    print(
        f"  tick with 1% due ({len(chosen)} occurrences, {sender.count} sends): "
        f"{busy * 1000:.0f} ms (target < 5000 ms)"
    )
    with Session(engine) as session:
        partnership = session.exec(select(Partnership)).first()
        assert partnership
        runs = [timed(lambda: build_digest(partnership, NOW, session=session)) for _ in range(5)]
    print(
        f"  digest ({BOARDS} boards): median {statistics.median(runs) * 1000:.0f} ms "
        "(target < 200 ms)"
    )


def main() -> None:
    on_each_database(measure, __doc__ or "")


def on_each_database(measure: Callable[[Engine, str], None], doc: str) -> None:
    """Run `measure` on a fresh SQLite file and, with --postgres URL, on an emptied PostgreSQL."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL whose public schema may be dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        measure(engine, "SQLite")
        engine.dispose()
    if args.postgres:
        engine = make_engine(args.postgres)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(args.postgres)
        measure(engine, "PostgreSQL")
        engine.dispose()


if __name__ == "__main__":
    main()
