"""A protocol using anchored cadences, owners: all, partners and triggered duties loads and runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from schedules import calendar
from schedules.clock import tick
from schedules.occurrences import materialise
from schedules.protocol import parse_protocol
from schedules.protocol.store import store_protocol
from storage.models import Duty, DutyOccurrence, Membership, OutboxPrompt, Partnership
from storage.queries.boards import boards_of
from storage.queries.partnerships import partnership_by_key
from storage.queries.people import ensure_person
from tests.schedules.clock_helpers import RecordingSender
from tests.schedules.test_protocol_format import FULL

LOADED = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


def load(engine: Engine) -> None:
    with Session(engine) as session:
        store_protocol(parse_protocol(FULL, "demo.yaml"), session=session, now=LOADED)
        session.flush()
        partnership = partnership_by_key("demo", session=session)
        assert partnership and partnership.id
        for board in boards_of(partnership.id, session=session):
            assert board.id
            board.channel_id = f"C0{board.key.upper()}"
            for role in ("chair", "business_manager"):
                person = ensure_person(f"U0{board.key.upper()}{role[:3].upper()}", session=session)
                assert person.id
                session.add(Membership(person_id=person.id, board_id=board.id, role=role))
        session.commit()


def test_it_stores_the_new_schedules_and_owners_as_the_engine_reads_them(engine: Engine) -> None:
    load(engine)
    with Session(engine) as session:
        duties = {d.key: d for d in session.exec(select(Duty))}
        assert duties["protocol-review"].owners == ["hwb", "lscb"]
        assert duties["protocol-review"].schedule == {"every": "year", "from": "2014-10-28"}
        assert duties["report-to-cabinet"].counterparts == ["cabinet"]
        assert duties["cabinet-response"].schedule == {
            "triggered": {"within_working_days": 15, "by": "report-to-cabinet"}
        }
        stored = session.exec(select(Partnership)).one().protocol
        assert stored["partners"] == [{"key": "cabinet", "name": "Demo Council Cabinet"}]
        assert stored["partnership"]["agreed"] == "2014-10-28"
        assert stored["boards"][1]["guests"][1] == {"partner": "cabinet"}


def test_materialising_makes_anchored_periods_and_nothing_for_a_triggered_duty(
    engine: Engine,
) -> None:
    load(engine)
    with Session(engine) as session:
        partnership = session.exec(select(Partnership)).one()
        materialise(partnership, LOADED, session=session)
        rows = session.exec(
            select(Duty.key, DutyOccurrence.period_key, DutyOccurrence.due)
            .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
            .order_by(col(Duty.key), col(DutyOccurrence.period_key))
        ).all()
    keys = {(duty, key) for duty, key, _ in rows}
    assert ("protocol-review", "2025-10-28") in keys  # due Tuesday 27 October 2026
    assert ("report-to-cabinet", "2025-04-01") in keys  # two years to 31 March 2027
    assert not [row for row in rows if row[0] == "cabinet-response"]


def test_the_clock_runs_a_season_of_the_new_fields_without_trouble(engine: Engine) -> None:
    load(engine)
    sender = RecordingSender()
    day = date(2026, 9, 1)
    while day <= date(2026, 11, 30):
        if calendar.is_working_day(day):
            tick(engine, calendar.at_local_time(day, time(9, 5)), sender)
        day += timedelta(days=1)
    sent = {(row.kind, row.subject, row.recipient) for row in sender.sent}
    review = "occurrence:protocol-review:2025-10-28"
    # owners: all: every board's channel hears the reminders and the overdue notice.
    assert ("reminder", review, "C0HWB") in sent and ("reminder", review, "C0LSCB") in sent
    assert ("overdue", review, "C0HWB") in sent and ("overdue", review, "U0LSCBCHA") in sent
    assert not any("cabinet-response" in row.subject for row in sender.sent)
    with Session(engine) as session:
        failed = session.exec(select(OutboxPrompt).where(OutboxPrompt.status == "failed")).all()
        assert failed == []
