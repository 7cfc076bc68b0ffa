"""The planner turns what is due into outbox entries: fresh occurrences get a prompt time, long
past ones stay silent, a late prompt is marked late and a very late one folded into the digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from schedules.calendar import LONDON
from schedules.outbox import FAILED, FOLDED, PENDING
from schedules.planner import LATE_DAYS, PlanSettings, entries_for, plan_partnership, prompts_of
from schedules.prompts.base import CHANNEL, DIGEST, Prompt, Recipient
from schedules.recipients import Resolver
from storage.models import Duty, DutyOccurrence, Partnership
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import BoundPartnership

SEPT_1_NINE = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # 09:00 London


def rutland(bound: BoundPartnership) -> Partnership:
    found = partnership_by_key("rutland", session=bound.session)
    assert found is not None and found.id is not None
    return found


def prompt(send_on: date, recipient: Recipient) -> Prompt:
    return Prompt("reminder", send_on, "occurrence:d:p", recipient, "Title", "Text.")


def test_the_first_plan_of_a_day_starts_fresh_occurrences_and_leaves_old_ones_silent(
    bound: BoundPartnership,
) -> None:
    partnership = rutland(bound)
    plan_partnership(partnership, SEPT_1_NINE, session=bound.session)
    assert partnership.materialised_on == date(2026, 9, 1)
    rows = bound.session.exec(select(DutyOccurrence)).all()
    long_past = [r for r in rows if r.due < date(2026, 9, 1) - timedelta(days=LATE_DAYS)]
    assert long_past and all(r.next_prompt_at is None for r in long_past)
    fresh = [r for r in rows if date(2026, 9, 1) <= r.opens <= date(2026, 10, 1)]
    times = {
        r.next_prompt_at.astimezone(LONDON).time() if r.next_prompt_at else None for r in fresh
    }
    assert fresh and times == {time(9, 0)}  # each at the protocol's send time, London time


def test_what_is_due_is_planned_once_and_its_next_prompt_time_moves_on(
    bound: BoundPartnership,
) -> None:
    partnership = rutland(bound)
    first = plan_partnership(partnership, SEPT_1_NINE, session=bound.session)
    opened = {(e.kind, e.recipient) for e in first}
    assert ("window_opens", "C0LSCB") in opened and ("counterpart_notice", "U0HWBBM") in opened
    assert not [
        e
        for e in plan_partnership(partnership, SEPT_1_NINE, session=bound.session)
        if e.kind == "window_opens"
    ]
    opening = bound.session.exec(
        select(DutyOccurrence)
        .join(Duty)
        .where(
            Duty.key == "lrlscb-annual-report-to-hwb", col(DutyOccurrence.opens) == date(2026, 9, 1)
        )
    ).one()
    assert opening.next_prompt_at is not None and opening.next_prompt_at > SEPT_1_NINE


def test_a_late_prompt_is_marked_late_and_a_very_late_one_is_folded_into_the_digest(
    bound: BoundPartnership,
) -> None:
    partnership = rutland(bound)
    assert partnership.id is not None
    plan = PlanSettings(time(9, 0), date(2026, 9, 15))
    resolver = Resolver(bound.session, partnership.id, "C0DIGEST")
    to_channel = Recipient(CHANNEL, "hwb")
    (yesterday,) = entries_for(
        partnership.id, prompt(date(2026, 9, 14), to_channel), plan, resolver
    )
    assert (yesterday.late, yesterday.status) == (True, PENDING)
    (long_ago,) = entries_for(partnership.id, prompt(date(2026, 9, 1), to_channel), plan, resolver)
    assert (long_ago.late, long_ago.status) == (True, FOLDED)
    (today,) = entries_for(partnership.id, prompt(date(2026, 9, 15), to_channel), plan, resolver)
    assert (today.late, today.status, today.send_after) == (
        False,
        PENDING,
        datetime(2026, 9, 15, 8, 0, tzinfo=UTC),
    )


def test_a_prompt_nobody_can_receive_is_recorded_failed_with_why(
    bound: BoundPartnership,
) -> None:
    partnership = rutland(bound)
    assert partnership.id is not None
    plan = PlanSettings(time(9, 0), date(2026, 9, 15))
    resolver = Resolver(bound.session, partnership.id, None)
    (entry,) = entries_for(
        partnership.id, prompt(date(2026, 9, 15), Recipient(DIGEST)), plan, resolver
    )
    assert (entry.status, entry.error) == (FAILED, entry.payload["problem"])
    assert entry.error == "no digest channel; set one with boardbot setup apply"


def test_a_snooze_holds_reminders_back_until_it_ends_then_reminds_again(
    bound: BoundPartnership,
) -> None:
    partnership = rutland(bound)
    row, duty = bound.session.exec(
        select(DutyOccurrence, Duty)
        .join(Duty)
        .where(
            Duty.key == "lrlscb-annual-report-to-hwb", col(DutyOccurrence.opens) == date(2026, 9, 1)
        )
    ).one()
    horizon = date(2026, 11, 30)
    before = {
        p.send_on for p in prompts_of(partnership, row, duty, horizon) if p.kind == "reminder"
    }
    assert before == {date(2026, 11, 16), date(2026, 11, 25)}  # 10 and 3 working days ahead
    row.snoozed_until = date(2026, 11, 20)
    after = [p for p in prompts_of(partnership, row, duty, horizon) if p.kind == "reminder"]
    assert {p.send_on for p in after} == {date(2026, 11, 20), date(2026, 11, 25)}
    assert all(p.extra["occurrence_id"] == row.id for p in after)
