"""Time the HTML evidence pack: a busy 5-board year, and 500 boards' worth of occurrences.

Usage: python benchmarks/evidence.py
(a) 5 boards, a full year recorded through the slash commands: every duty done, 40 meetings
    (minutes shared after each), 30 agenda requests, 10 escalations. Target < 1 s.
(b) One partnership of 500 boards with 50,000 occurrences in the year (made with the cycle
    engine, most marked done or waived). Target < 20 s.
Prints the time to read the record and render the HTML (wall and CPU, best of a few runs), the
document's size, and the peak memory of one build (tracemalloc, in a separate run: it slows
Python down).
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, update
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from commands.agenda import ACTIONS, VIEWS
from commands.context import Invocation
from commands.registry import command_handler
from schedules.cycle import occurrences
from schedules.evidence import build_pack
from schedules.occurrences import row_values, spec_of
from schedules.protocol import Protocol, parse_protocol
from schedules.protocol.store import store_protocol
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import AgendaRequest, Duty, DutyOccurrence, Membership
from storage.queries.boards import boards_of
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person

YEAR = 2026
AT = datetime(2027, 3, 31, 18, 0, tzinfo=UTC)  # the year's last evening: everything recorded
BOARDS_A = ["hwb", "lscb", "sab", "csp", "cpb"]
BOARDS_B, DUTIES_PER_BOARD = 500, 25  # x 4 quarters = 50,000 occurrences in the year
LINK = "https://example.org/evidence/{}.pdf"


def busy_protocol() -> str:
    boards = "\n".join(f"  - {{key: {b}, name: {b.upper()} board, kind: other}}" for b in BOARDS_A)
    duties = []
    for index, board in enumerate(BOARDS_A):
        other = BOARDS_A[(index + 1) % len(BOARDS_A)]
        duties += [
            f"  - {{id: {board}-annual-report, title: {board.upper()} annual report, "
            f"owners: [{board}], counterparts: [{other}], evidence: Report presented, "
            f"clause: '{index + 1}.1', schedule: {{windows: [{{opens: sep, closes: nov}}]}}}}",
            f"  - {{id: {board}-scrutiny, title: {board.upper()} scrutiny report, "
            f"owners: [{board}], counterparts: [{other}], evidence: Report circulated, "
            f"clause: '{index + 1}.2', schedule: {{every: half-year}}}}",
            f"  - {{id: {board}-minutes, title: {board.upper()} minutes shared, owners: [{board}], "
            f"counterparts: [{other}], evidence: Minutes circulated, clause: '{index + 1}.3', "
            f"schedule: {{after_meetings: {{of: [{board}], within_working_days: 10}}}}}}",
        ]
    return (
        "partnership: {key: busy, name: A busy partnership}\n"
        f"boards:\n{boards}\nduties:\n" + "\n".join(duties) + "\n"
        "joint_meetings:\n"
        "  - {id: managers, title: Business managers meet, clause: '6.1',"
        " attendees: {roles: [business_manager]}, schedule: {every: quarter}}\n"
        "ladders:\n"
        "  - id: challenge\n    name: Mutual challenge\n    stages:\n"
        "      - {name: Written request, who_acts: A chair, response_working_days: 10}\n"
        "      - {name: Chairs meet, who_acts: The chairs, response_working_days: 20}\n"
    )


class Secretariat:
    """Runs slash commands, buttons and forms as the Slack edge does: one transaction each."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def run(self, when: datetime, user: str, command: str, text: str) -> None:
        command_handler(command)(Invocation(self.session, user, "C0BENCH", when), text)
        self.session.commit()

    def press(
        self, when: datetime, user: str, handler: Callable[..., object], *args: object
    ) -> None:
        handler(Invocation(self.session, user, "C0BENCH", when), *args)
        self.session.commit()


def seed_busy_year(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        store_protocol(parse_protocol(busy_protocol(), "busy.yaml"), session=session, now=AT)
        session.flush()
        partnership = partnership_by_key("busy", session=session)
        assert partnership and partnership.id
        for board in boards_of(partnership.id, session=session):
            board.channel_id = f"C0{board.key.upper()}"
            for role in ("chair", "business_manager"):
                person = ensure_person(f"U{board.key.upper()}{role[:2].upper()}", session=session)
                person.name = f"{board.key.upper()} {role.replace('_', ' ')}"
                session.add(Membership(person_id=person.id or 0, board_id=board.id or 0, role=role))
        session.commit()
        desk = Secretariat(session)
        start = datetime(YEAR, 4, 1, 9, tzinfo=UTC)
        meetings = hold_meetings(desk, start)
        ask_for_agenda_items(desk, start)
        escalate(desk, start)
        complete_every_duty(desk, session, meetings)


def hold_meetings(desk: Secretariat, start: datetime) -> list[tuple[str, date]]:
    """8 meetings per board, every six weeks; minutes shared 3 days after each."""
    held = []
    for index, board in enumerate(BOARDS_A):
        for number in range(8):
            day = (start + timedelta(days=14 + 42 * number + index)).date()
            manager = f"U{board.upper()}BU"
            desk.run(start, manager, "/meetings", f"add {board} {day.isoformat()} at 10:00")
            held.append((board, day))
    for board, day in sorted(held, key=lambda pair: pair[1]):
        when = datetime.combine(day + timedelta(days=3), datetime.min.time(), UTC) + timedelta(
            hours=10
        )
        desk.run(
            when, f"U{board.upper()}BU", "/minutes", f"{board} {day.isoformat()} {LINK.format(day)}"
        )
    return held


def ask_for_agenda_items(desk: Secretariat, start: datetime) -> None:
    for number in range(30):
        asker, asked = BOARDS_A[number % 5], BOARDS_A[(number + 2) % 5]
        when = start + timedelta(days=5 + number * 9)
        desk.run(when, f"U{asker.upper()}BU", "/agenda", f"request {asker} {asked} Item {number}")
    requests = desk.session.exec(select(AgendaRequest).order_by(col(AgendaRequest.id))).all()
    for number, request in enumerate(requests):
        asked = BOARDS_A[(number + 2) % 5]
        when = request.requested_at + timedelta(days=2)
        if number % 6 == 5:
            continue  # five left unanswered
        if number % 3 == 0:
            reason = {"reason": f"Covered elsewhere ({number})"}
            desk.press(
                when, f"U{asked.upper()}BU", VIEWS["agenda_decline_reason"], reason, str(request.id)
            )
        else:
            desk.press(
                when,
                f"U{asked.upper()}BU",
                ACTIONS["agenda_accept"],
                "agenda_accept",
                str(request.id),
            )


def escalate(desk: Secretariat, start: datetime) -> None:
    for number in range(10):
        source, target = BOARDS_A[number % 5], BOARDS_A[(number + 1) % 5]
        opened = start + timedelta(days=20 + number * 30)
        desk.run(
            opened, f"U{source.upper()}CH", "/escalate", f"open {source} {target} Concern {number}"
        )
        if number % 2 == 0:
            desk.run(
                opened + timedelta(days=12),
                f"U{target.upper()}CH",
                "/escalate",
                f"advance {number + 1}",
            )
        if number < 8:
            desk.run(
                opened + timedelta(days=30),
                f"U{target.upper()}CH",
                "/escalate",
                f"resolve {number + 1} Agreed",
            )


def complete_every_duty(desk: Secretariat, session: Session, held: list[tuple[str, date]]) -> None:
    """Every occurrence still owed in the year is marked done, with a link, inside its window."""
    desk.run(datetime(YEAR + 1, 3, 1, 9, tzinfo=UTC), "UHWBBU", "/duties", "")  # makes them all
    owed = session.exec(
        select(DutyOccurrence, Duty)
        .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
        .where(DutyOccurrence.status == "pending", col(DutyOccurrence.opens) >= date(YEAR, 4, 1))
        .where(col(DutyOccurrence.opens) <= date(YEAR + 1, 3, 31))
    ).all()
    for row, duty in owed:
        when = datetime.combine(row.opens + timedelta(days=7), datetime.min.time(), UTC)
        desk.run(
            when + timedelta(hours=10),
            f"U{duty.owners[0].upper()}BU",
            "/duties",
            f"done {row.id} {LINK.format(row.id)}",
        )


def seed_500_boards(engine: Engine) -> None:
    """One partnership, 500 boards and 12,500 quarterly duties; the year's rows made by the
    cycle engine as the clock would, then 80% done and 5% waived."""
    # Built as data, not YAML: 12,500 duties are more than a protocol file may hold (1 MB).
    large_protocol = Protocol.model_validate(
        {
            "partnership": {"key": "large", "name": "A large partnership"},
            "boards": [
                {"key": f"b{b}", "name": f"Board {b}", "kind": "other"} for b in range(BOARDS_B)
            ],
            "duties": [
                {
                    "id": f"d{d}",
                    "title": f"Duty {d}",
                    "owners": [f"b{d % BOARDS_B}"],
                    "counterparts": [f"b{(d + 1) % BOARDS_B}"],
                    "evidence": "e",
                    "clause": str(d),
                    "schedule": {"every": "quarter"},
                }
                for d in range(BOARDS_B * DUTIES_PER_BOARD)
            ],
        }
    )
    with Session(engine) as session:
        store_protocol(large_protocol, session=session, now=AT)
        session.flush()
        large = partnership_by_key("large", session=session)
        assert large is not None
        rows = [
            row_values(duty.id or 0, occ)
            for duty in session.exec(select(Duty).where(Duty.partnership_id == large.id))
            for occ in occurrences(spec_of(duty), [YEAR])
        ]
        made = set(  # loading the protocol already made the year's occurrences it could
            session.exec(
                select(DutyOccurrence.duty_id, DutyOccurrence.period_key)
                .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
                .where(Duty.partnership_id == large.id)
            ).all()
        )
        rows = [r for r in rows if (r["duty_id"], r["period_key"]) not in made]
        for index in range(0, len(rows), 2000):
            session.execute(insert(DutyOccurrence), rows[index : index + 2000])
        ids = session.exec(
            select(DutyOccurrence.id)
            .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
            .where(Duty.partnership_id == large.id)
            .order_by(col(DutyOccurrence.id))
        ).all()
        done = [i for n, i in enumerate(ids) if n % 20 < 16]
        waived = [i for n, i in enumerate(ids) if n % 20 == 16]
        for part in range(0, len(done), 5000):
            session.execute(
                update(DutyOccurrence)
                .where(col(DutyOccurrence.id).in_(done[part : part + 5000]))
                .values(
                    status="done",
                    completed_by="UBM",
                    completed_at=AT - timedelta(days=30),
                    evidence_link=LINK.format("x"),
                )
            )
        session.execute(
            update(DutyOccurrence)
            .where(col(DutyOccurrence.id).in_(waived))
            .values(
                status="waived",
                completed_by="UBM",
                completed_at=AT - timedelta(days=60),
                note="Not needed",
            )
        )
        session.commit()


def build(engine: Engine, key: str) -> tuple[str, int]:
    """Read the record and render the HTML; say what the pack holds."""
    with Session(engine) as session:
        pack = build_pack(key, YEAR, AT, session=session)
        html = pack.render("html")
    found = pack.record
    statuses = Counter(row.status for row in found.duties)
    held = (
        f"{len(found.duties)} occurrences ({', '.join(f'{n} {s}' for s, n in statuses.items())}), "
        f"{len(found.meetings)} meetings, {len(found.agenda)} agenda requests, "
        f"{len(found.escalations)} escalations, {len(found.audit)} audit entries"
    )
    return held, len(html)


def measure(engine: Engine, key: str, label: str, target: float, runs: int) -> None:
    """Wall time against the target, and CPU time: on a busy shared machine the two differ."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        held, size = build(engine, key)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    build(engine, key)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"  {label}: {held}\n    HTML {size / 1e6:.1f} MB; "
        f"best of {runs}: {min(walls):.2f} s (CPU {min(cpus):.2f} s; target < {target:.0f} s); "
        f"peak memory {peak / 2**20:.0f} MiB",
        flush=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/evidence.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        print("(a) 5 boards, a full year recorded through the commands …", flush=True)
        started = time.perf_counter()
        seed_busy_year(engine)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        measure(engine, "busy", "5-board year", 1, runs=3)
        print("(b) 500 boards, 50,000 occurrences …", flush=True)
        started = time.perf_counter()
        seed_500_boards(engine)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        measure(engine, "large", "500-board year", 20, runs=2)
        engine.dispose()


if __name__ == "__main__":
    main()
