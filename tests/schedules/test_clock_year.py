"""A year of ticks sends exactly the prompts `simulate` predicts, each once, at 09:00 London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from schedules import calendar
from schedules.clock import tick
from schedules.prompts import OCCURRENCE_KINDS
from schedules.protocol import load_protocol, template_names
from schedules.protocol.store import store_protocol
from schedules.simulate import simulate
from storage.db import make_engine
from storage.models import Membership, OutboxPrompt
from storage.queries.boards import boards_of
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from tests.schedules.clock_helpers import RecordingSender

START = date(2026, 2, 2)  # the clock starts before the year so that nothing is 'new install'
YEAR = (date(2026, 4, 1), date(2027, 3, 31))
ROLES = ("chair", "business_manager", "secretariat")


def bind_every_board(engine: Engine, name: str) -> None:
    """One channel per board and a holder for each role, as a real set-up would have."""
    now = datetime.combine(START, time(8), tzinfo=UTC)
    with Session(engine) as session:
        store_protocol(load_protocol(name), session=session, now=now)
        session.flush()
        partnership = partnership_by_key(name, session=session)
        assert partnership and partnership.id
        partnership.digest_channel = "C0DIGEST"
        for board in boards_of(partnership.id, session=session):
            assert board.id
            board.channel_id = f"C0{board.key.upper()}"
            for role in ROLES:
                person = ensure_person(f"U0{board.key.upper()}{role[:3].upper()}", session=session)
                assert person.id
                session.add(Membership(person_id=person.id, board_id=board.id, role=role))
        session.commit()


def run_year(engine: Engine) -> RecordingSender:
    sender = RecordingSender()
    day = START
    while day <= YEAR[1]:
        if calendar.is_working_day(day):
            tick(engine, calendar.at_local_time(day, time(9, 5)), sender)
        day += timedelta(days=1)
    return sender


def expected(name: str) -> set[tuple[str, str, str, str]]:
    cutoff = START - timedelta(days=7)
    found = set()
    for prompt in simulate(load_protocol(name), *YEAR, overdue_repeats=None):
        if prompt.due and prompt.due < cutoff:
            continue  # closed before the clock began: silent, by design
        if prompt.recipient.is_partner:
            continue  # a partner's people are not bound to it in storage yet: nobody to send to
        found.add((prompt.send_on.isoformat(), prompt.kind, prompt.subject, prompt.recipient.label))
    return found


def run_and_compare(engine: Engine, name: str) -> None:
    bind_every_board(engine, name)
    sender = run_year(engine)
    sent = [
        (row.due_on.isoformat(), row.kind, row.subject, row.recipient_label)
        for row in sender.sent
        if row.kind in OCCURRENCE_KINDS and YEAR[0] <= row.due_on <= YEAR[1]
    ]
    # Each role-holder and channel gets its own row: compare per label, and count sends.
    assert set(sent) == expected(name)
    keys = [row.key for row in sender.sent]
    assert len(keys) == len(set(keys)), "a prompt was sent twice"
    assert not any(row.late for row in sender.sent), "a daily clock is never late"
    with Session(engine) as session:
        for row in session.exec(select(OutboxPrompt)):
            local = row.next_attempt_at.astimezone(calendar.LONDON)
            assert (local.hour, local.minute) == (9, 0), row.key
            assert calendar.is_working_day(local.date()), row.key


DEFAULT_TEMPLATE = "rutland"  # the others run under the slow marker (CI runs them)


@pytest.mark.parametrize(
    "name",
    [
        name if name == DEFAULT_TEMPLATE else pytest.param(name, marks=pytest.mark.slow)
        for name in template_names()
    ],
)
def test_a_year_of_ticks_matches_the_simulation(name: str, sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        run_and_compare(engine, name)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_year_of_ticks_matches_the_simulation_on_postgres(postgres_url: str) -> None:
    from tests.conftest import _truncate_all

    engine = make_engine(postgres_url)
    try:
        _truncate_all(engine)
        run_and_compare(engine, "rutland")
    finally:
        engine.dispose()
