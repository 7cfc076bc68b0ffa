"""The clock sends each due prompt once, on working days at 09:00 London, and loses none."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from commands.context import Invocation
from commands.registry import command_handler
from schedules import outbox
from schedules.clock import Delivery, QuietHours, tick
from schedules.sending import SlackBudget
from storage.models import Duty, DutyOccurrence, OutboxPrompt, Partnership
from storage.queries.outbox import pauses
from tests.commands.conftest import bind_rutland
from tests.schedules.clock_helpers import RecordingSender

SEPT_1_NINE = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 BST


@pytest.fixture
def rutland(engine: Engine) -> Engine:
    with Session(engine) as session:
        bind_rutland(session)
    return engine


def test_it_opens_the_annual_report_windows_on_the_first_of_september(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    opened = {(r.kind, r.recipient) for r in sender.sent if r.kind == "window_opens"}
    assert ("window_opens", "C0LSCB") in opened and ("window_opens", "C0SAB") in opened
    assert ("window_opens", "U0LSCBCHAIR") in opened and ("window_opens", "U0SABCHAIR") in opened
    assert ("window_opens", "U0LSCBBM") in opened
    notices = [r for r in sender.sent if r.kind == "counterpart_notice"]
    assert {r.recipient for r in notices} == {"U0HWBBM"}
    assert len(notices) == 2  # one for each safeguarding board's report
    assert all(r.status == outbox.SENT for r in fetch_all(rutland))


def test_a_second_identical_run_sends_nothing(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    first = len(sender.sent)
    report = tick(rutland, SEPT_1_NINE, sender)
    assert len(sender.sent) == first and report.recorded == 0 and report.sent == 0


def test_it_says_nothing_before_nine_and_nothing_at_the_weekend(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE - timedelta(minutes=1), sender)
    assert sender.sent == []
    saturday = datetime(2026, 9, 5, 10, tzinfo=UTC)
    assert not QuietHours().allows(saturday)


def test_it_retries_a_rate_limited_send_after_retry_after_and_sends_it_once(
    rutland: Engine,
) -> None:
    sender = RecordingSender(script=[Delivery(error="ratelimited", retry_after=30)])
    report = tick(rutland, SEPT_1_NINE, sender)
    assert report.retried == 1 and report.sent == 0  # Slack asked us to wait: the rest wait too
    assert report.left == len(fetch_all(rutland)) - 1
    [retry] = [r for r in fetch_all(rutland) if r.last_error == "ratelimited"]
    assert retry.status == outbox.PENDING
    assert retry.next_attempt_at == SEPT_1_NINE + timedelta(seconds=30)
    tick(rutland, SEPT_1_NINE + timedelta(minutes=5), sender)
    keys = [r.key for r in sender.sent]
    assert len(keys) == len(set(keys))
    assert all(r.status == outbox.SENT for r in fetch_all(rutland))


def test_a_permanent_error_is_recorded_and_not_retried(rutland: Engine) -> None:
    sender = RecordingSender(script=[Delivery(error="channel_not_found", permanent=True)])
    report = tick(rutland, SEPT_1_NINE, sender)
    assert report.failed == 1
    failed = [r for r in fetch_all(rutland) if r.status == outbox.FAILED]
    assert [r.last_error for r in failed] == ["channel_not_found"]
    tick(rutland, SEPT_1_NINE + timedelta(hours=1), sender)
    assert failed[0].key not in {r.key for r in sender.sent}


def test_a_crash_after_slack_accepted_is_resolved_without_a_duplicate(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    with Session(rutland) as session:
        row = session.exec(select(OutboxPrompt).where(OutboxPrompt.status == "sent")).first()
        assert row is not None
        row.status, row.claimed_at = outbox.SENDING, SEPT_1_NINE  # as if we died before 'sent'
        session.add(row)
        session.commit()
        key = row.key
    report = tick(rutland, SEPT_1_NINE + timedelta(minutes=10), sender)
    assert report.recovered == 1
    assert [r.key for r in sender.sent].count(key) == 1
    assert all(r.status == outbox.SENT for r in fetch_all(rutland))


def test_a_crash_before_slack_accepted_is_resent_once(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    with Session(rutland) as session:
        row = session.exec(select(OutboxPrompt)).first()
        assert row is not None
        row.status, row.claimed_at = outbox.SENDING, SEPT_1_NINE
        session.add(row)
        session.commit()
        key = row.key
    sender.history.pop(key)  # Slack never saw it
    tick(rutland, SEPT_1_NINE + timedelta(minutes=10), sender)
    assert [r.key for r in sender.sent].count(key) == 2  # the first send is the one Slack lost


def test_after_three_days_off_it_sends_each_missed_prompt_once_marked_late(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    sender.sent.clear()
    # Reminders fall on Mon 16 Nov; the clock is off from Fri 13 to Tue 17 Nov.
    tick(rutland, datetime(2026, 11, 13, 9, 30, tzinfo=UTC), sender)
    tick(rutland, datetime(2026, 11, 17, 9, 30, tzinfo=UTC), sender)
    reminders = [r for r in sender.sent if r.kind == "reminder"]
    assert reminders and all(r.late and r.due_on.isoformat() == "2026-11-16" for r in reminders)
    assert len({r.key for r in reminders}) == len(reminders)
    tick(rutland, datetime(2026, 11, 17, 10, 30, tzinfo=UTC), sender)
    assert len([r for r in sender.sent if r.kind == "reminder"]) == len(reminders)


def test_a_duty_marked_done_with_the_command_stops_its_prompts(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    done_at = SEPT_1_NINE + timedelta(days=30)
    with Session(rutland, expire_on_commit=False) as session:
        occ = session.exec(
            select(DutyOccurrence)
            .join(Duty, col(Duty.id) == col(DutyOccurrence.duty_id))
            .where(Duty.key == "lrlscb-annual-report-to-hwb")
            .where(DutyOccurrence.period_key == "2026-09-01")
        ).one()
        inv = Invocation(session, "U0LSCBBM", "C0LSCB", done_at)
        reply = command_handler("/duties")(inv, f"done {occ.id} https://example.org/report.pdf")
        session.commit()
    assert "is done" in reply.message.text
    sender.sent.clear()
    for day in range(31, 100):
        tick(rutland, SEPT_1_NINE + timedelta(days=day), sender)
    assert not [r for r in sender.sent if r.payload.get("occurrence_id") == occ.id]
    # The other safeguarding board's report, not done, is still reminded over the same days.
    assert {r.kind for r in sender.sent if r.payload.get("occurrence_id") != occ.id} >= {"reminder"}


def fetch_all(engine: Engine) -> list[OutboxPrompt]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxPrompt)))


def test_two_clocks_ticking_at_once_send_each_prompt_once(
    rutland: Engine, database_url: str
) -> None:
    import threading

    from storage.db import make_engine

    sender = RecordingSender()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def clock() -> None:
        engine = make_engine(database_url)  # each clock process has its own engine
        try:
            barrier.wait()
            tick(engine, SEPT_1_NINE, sender)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    keys = [r.key for r in sender.sent]
    assert keys and len(keys) == len(set(keys))
    assert {r.key for r in fetch_all(rutland)} == set(keys)


def test_retention_deletes_old_delivered_prompts_and_keeps_the_audit_trail(rutland: Engine) -> None:
    from storage.models import AuditEntry

    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    sent = len(fetch_all(rutland))
    with Session(rutland) as session:
        audit_before = len(session.exec(select(AuditEntry)).all())
    report = tick(rutland, SEPT_1_NINE + timedelta(days=40), sender, retention=timedelta(days=30))
    assert report.purged >= sent
    assert not [r for r in fetch_all(rutland) if r.due_on == SEPT_1_NINE.date()]
    with Session(rutland) as session:
        assert len(session.exec(select(AuditEntry)).all()) == audit_before


def test_snooze_pauses_reminders_and_reminds_again_three_working_days_later(
    rutland: Engine,
) -> None:
    from commands.context import Invocation
    from commands.duties import ACTIONS

    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    monday = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)  # the 10-working-days reminder goes out
    tick(rutland, monday, sender)
    with Session(rutland, expire_on_commit=False) as session:
        occ = session.exec(
            select(DutyOccurrence).where(DutyOccurrence.period_key == "2026-09-01")
        ).first()
        assert occ is not None and occ.id is not None
        inv = Invocation(session, "U0LSCBBM", "C0LSCB", monday + timedelta(hours=1))
        reply = ACTIONS["duty_snooze"](inv, "duty_snooze", str(occ.id))
        session.commit()
    assert "19 Nov 2026" in reply.message.text
    sender.sent.clear()
    day = monday
    while day < datetime(2026, 11, 27, 10, tzinfo=UTC):
        day += timedelta(days=1)
        tick(rutland, day, sender)
    mine = [r for r in sender.sent if r.payload.get("occurrence_id") == occ.id]
    assert sorted({(r.due_on.isoformat(), bool(r.payload.get("after_snooze"))) for r in mine}) == [
        ("2026-11-19", True),
        ("2026-11-25", False),
    ]


# -- the tick's time with Slack ------------------------------------------------------------------


@dataclass
class SlowSlack(RecordingSender):
    """Each send takes `seconds` on a stopwatch the budget reads, not on the wall clock."""

    seconds: float = 3.0
    stopwatch: list[float] = field(default_factory=lambda: [0.0])

    def send(self, row: OutboxPrompt) -> Delivery:
        self.stopwatch[0] += self.seconds
        return super().send(row)


def test_a_tick_stops_waiting_on_slack_when_its_budget_is_spent_and_the_rest_go_next_tick(
    rutland: Engine,
) -> None:
    sender = SlowSlack()
    budget = SlackBudget(seconds=8, clock=lambda: sender.stopwatch[0])
    first = tick(rutland, SEPT_1_NINE, sender, budget=budget)
    assert (first.sent, first.left) == (3, len(fetch_all(rutland)) - 3)  # 3 s, 6 s, 9 s: spent
    assert {r.status for r in fetch_all(rutland)} == {outbox.SENT, outbox.PENDING}
    budget = SlackBudget(seconds=8, clock=lambda: sender.stopwatch[0])
    tick(rutland, SEPT_1_NINE + timedelta(minutes=5), sender, budget=budget)
    tick(rutland, SEPT_1_NINE + timedelta(minutes=10), sender, budget=SlackBudget())
    assert {r.status for r in fetch_all(rutland)} == {outbox.SENT}
    assert len(sender.sent) == len({r.key for r in sender.sent}) == len(fetch_all(rutland))


# -- a token Slack refuses -----------------------------------------------------------------------


def test_a_refused_token_pauses_the_workspace_once_and_spends_no_attempt(
    rutland: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="schedules.clock")
    sender = RecordingSender(refusal="invalid_auth")
    for minutes in (0, 5, 10):
        report = tick(rutland, SEPT_1_NINE + timedelta(minutes=minutes), sender)
        assert report.paused == "invalid_auth" and not report.ok
    assert {(r.status, r.attempts) for r in fetch_all(rutland)} == {(outbox.PENDING, 0)}
    assert sender.checks == 2  # the later ticks ask Slack about the token once each
    with Session(rutland) as session:
        [pause] = pauses(session=session)
    assert (pause.workspace, pause.error, pause.since) == ("T0TEST", "invalid_auth", SEPT_1_NINE)
    assert pause.checked_at == SEPT_1_NINE + timedelta(minutes=10)
    warnings = [r for r in caplog.records if "refuses the token" in r.getMessage()]
    assert len(warnings) == 1
    sender.refusal = None
    report = tick(rutland, SEPT_1_NINE + timedelta(minutes=15), sender)
    assert report.ok and report.sent == len(fetch_all(rutland))
    with Session(rutland) as session:
        assert pauses(session=session) == []
    assert [r.getMessage() for r in caplog.records if "resumes" in r.getMessage()] == [
        "Slack accepts the token of workspace T0TEST again: sending resumes (paused since "
        "2026-09-01T08:00+00:00: invalid_auth)"
    ]


def test_a_tick_with_nothing_to_send_asks_slack_nothing(rutland: Engine) -> None:
    sender = RecordingSender()
    tick(rutland, SEPT_1_NINE, sender)
    sender.refusal = "token_revoked"
    report = tick(rutland, SEPT_1_NINE + timedelta(minutes=5), sender)
    assert report.ok and sender.checks == 0


# -- planning ------------------------------------------------------------------------------------


def test_a_planning_failure_is_reported_not_counted_as_nothing_recorded(rutland: Engine) -> None:
    with Session(rutland) as session:
        partnership = session.exec(select(Partnership)).one()
        partnership.protocol = {**partnership.protocol, "prompts": "not a mapping"}
        session.add(partnership)
        session.commit()
    report = tick(rutland, SEPT_1_NINE, RecordingSender())
    assert report.errors == ["partnership rutland: ValidationError"] and not report.ok
    assert report.summary().endswith("; planning failed for 1 partnership(s)")
