"""The outbox on its own: recorded once in batches with true counts, claimed by one
sender, retried with backoff or Slack's Retry-After, never left in flight for more than a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from schedules import outbox
from schedules.outbox import Entry
from storage.models import OutboxPrompt, Partnership
from storage.queries.outbox import claim
from storage.upsert import rows_per_statement

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def partnership_id(engine: Engine) -> int:
    with Session(engine) as session:
        partnership = Partnership(key="p", name="P", loaded_at=NOW)
        session.add(partnership)
        session.commit()
        assert partnership.id is not None
        return partnership.id


def entries(partnership_id: int, count: int, *, start: int = 0) -> list[Entry]:
    day = date(2026, 9, 1)
    return [
        Entry(
            key=outbox.prompt_key(1, "reminder", f"duty-{n}", day, "C0HWB"),
            partnership_id=partnership_id,
            kind="reminder",
            subject=f"duty-{n}",
            due_on=day,
            recipient="C0HWB",
            recipient_label="#hwb",
            payload={"title": f"Duty {n}"},
            send_after=NOW,
        )
        for n in range(start, start + count)
    ]


def row_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxPrompt)).one()


def recorded(engine: Engine, batch: list[Entry]) -> int:
    with Session(engine) as session:
        count = outbox.record(batch, NOW, session=session)
        session.commit()
    return count


def one_row(engine: Engine, partnership_id: int) -> int:
    recorded(engine, entries(partnership_id, 1))
    with Session(engine) as session:
        row_id = session.exec(select(OutboxPrompt.id)).one()
        assert row_id is not None
        return row_id


# -- record --------------------------------------------------------------------------------------


def test_record_counts_the_rows_it_inserted_and_records_a_key_once(
    engine: Engine, partnership_id: int
) -> None:
    assert recorded(engine, entries(partnership_id, 3)) == 3
    assert recorded(engine, entries(partnership_id, 3)) == 0
    assert recorded(engine, entries(partnership_id, 5)) == 2  # three known, two new
    assert row_count(engine) == 5


def test_record_inserts_thousands_of_rows_in_batches_within_the_parameter_limit(
    engine: Engine, partnership_id: int
) -> None:
    many = 5_000  # 70,000 parameters: over PostgreSQL's 65,535 and SQLite's 999 per statement
    assert recorded(engine, entries(partnership_id, many)) == many
    assert recorded(engine, entries(partnership_id, 10, start=many - 5)) == 5
    assert row_count(engine) == many + 5


def test_record_of_nothing_records_nothing(engine: Engine) -> None:
    assert recorded(engine, []) == 0


def test_batches_stay_under_each_databases_parameter_limit() -> None:
    assert rows_per_statement("sqlite", columns=14) * 14 <= 999
    assert rows_per_statement("postgresql", columns=14) * 14 <= 65_535


# -- claim ---------------------------------------------------------------------------------------


def test_a_row_is_claimed_by_one_sender_only(engine: Engine, partnership_id: int) -> None:
    row_id = one_row(engine, partnership_id)
    wins = []
    for _ in range(3):  # each a separate session, as separate clocks are
        with Session(engine) as session:
            wins.append(claim(row_id, NOW, session=session))
            session.commit()
    assert wins == [True, False, False]
    with Session(engine) as session:
        row = session.get(OutboxPrompt, row_id)
        assert row is not None and (row.status, row.attempts) == (outbox.SENDING, 1)


def test_a_released_claim_is_pending_again_without_spending_an_attempt(
    engine: Engine, partnership_id: int
) -> None:
    row_id = one_row(engine, partnership_id)
    with Session(engine) as session:
        assert claim(row_id, NOW, session=session)
        row = session.get(OutboxPrompt, row_id)
        assert row is not None
        session.refresh(row)
        outbox.release(row)
        assert (row.status, row.attempts, row.next_attempt_at) == (outbox.PENDING, 0, NOW)


# -- retry ---------------------------------------------------------------------------------------


def test_backoff_doubles_from_thirty_seconds_to_at_most_an_hour() -> None:
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_retry_waits_out_slacks_retry_after_exactly() -> None:
    row = OutboxPrompt(attempts=1, status=outbox.SENDING)
    outbox.mark_retry(row, "ratelimited", NOW, 20.0)
    assert (row.status, row.last_error) == (outbox.PENDING, "ratelimited")
    assert row.next_attempt_at == NOW + timedelta(seconds=20)


def test_a_retry_without_retry_after_backs_off_by_attempts() -> None:
    row = OutboxPrompt(attempts=3, status=outbox.SENDING)
    outbox.mark_retry(row, "http_500", NOW, None)
    assert row.next_attempt_at == NOW + timedelta(seconds=120)


def test_after_the_last_attempt_a_retry_fails_for_a_person_to_look_at() -> None:
    row = OutboxPrompt(attempts=outbox.MAX_ATTEMPTS, status=outbox.SENDING)
    outbox.mark_retry(row, "http_500", NOW, None)
    assert row.status == outbox.FAILED
    assert row.last_error == f"gave up after {outbox.MAX_ATTEMPTS} attempts: http_500"


def test_a_person_s_requeue_starts_the_attempts_afresh() -> None:
    row = OutboxPrompt(attempts=outbox.MAX_ATTEMPTS, status=outbox.FAILED, last_error="x")
    outbox.requeue(row, NOW)
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (
        outbox.PENDING,
        0,
        None,
        NOW,
    )


# -- in flight -----------------------------------------------------------------------------------


def test_a_claim_is_stale_after_five_minutes_and_the_oldest_comes_first(
    engine: Engine, partnership_id: int
) -> None:
    recorded(engine, entries(partnership_id, 3))
    with Session(engine) as session:
        for row_id, minutes_ago in ((1, 4), (2, 9), (3, 6)):
            assert claim(row_id, NOW - timedelta(minutes=minutes_ago), session=session)
        session.commit()
        stale = outbox.stale_claims(NOW, session=session)
    assert [r.id for r in stale] == [2, 3]


def test_an_in_flight_row_slack_has_no_trace_of_is_sent_again_now_keeping_its_error() -> None:
    row = OutboxPrompt(attempts=1, status=outbox.SENDING, last_error="fatal_error")
    outbox.resend(row, NOW)
    assert (row.status, row.next_attempt_at, row.last_error) == (
        outbox.PENDING,
        NOW,
        "fatal_error",
    )


def test_a_failing_look_up_is_noted_once_per_reason_then_fails_the_row_after_a_day() -> None:
    claimed = NOW - timedelta(minutes=10)
    row = OutboxPrompt(status=outbox.SENDING, claimed_at=claimed, last_error="http_503")
    assert outbox.note_lookup_failure(row, "missing_scope", NOW) is True
    assert outbox.note_lookup_failure(row, "missing_scope", NOW + timedelta(hours=1)) is False
    assert row.status == outbox.SENDING
    assert row.last_error == "http_503; look-up failed: missing_scope"
    assert outbox.note_lookup_failure(row, "network: TimeoutError", NOW) is True
    almost = claimed + outbox.UNRESOLVED_LIMIT - timedelta(seconds=1)
    outbox.note_lookup_failure(row, "missing_scope", almost)
    assert row.status == outbox.SENDING
    outbox.note_lookup_failure(row, "missing_scope", claimed + outbox.UNRESOLVED_LIMIT)
    assert row.status == outbox.FAILED
    assert row.last_error == (
        "outcome unknown after a day: http_503; look-up failed: missing_scope"
    )
