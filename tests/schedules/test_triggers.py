"""A triggered duty opens when someone triggers it, or when the duty it hangs off is done."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schedules.cycle import DutySpec, Trigger, duty_specs, triggered_occurrence
from schedules.prompts import PlanContext, plan_occurrence
from schedules.prompts.actions import DONE, SNOOZE
from schedules.protocol import parse_protocol
from schedules.protocol.model import PromptSettings
from schedules.triggers import on_completion, trigger

PROTOCOL = """\
partnership: {key: demo, name: Demo partnership}
boards:
  - {key: hwb, name: Demo HWB, kind: health_and_wellbeing}
  - {key: lscb, name: Demo LSCB, kind: safeguarding_children}
partners:
  - {key: cabinet, name: Demo Council Cabinet}
duties:
  - id: strategy-review
    title: Strategy reviewed
    owners: [hwb]
    evidence: Review agreed at an HWB meeting
    clause: "1"
    schedule: {every: year}
  - id: progress-report
    title: Progress report at each review of the strategy
    owners: [hwb]
    counterparts: [lscb, cabinet]
    evidence: Report of progress against targets received by both boards
    clause: "2"
    schedule: {triggered: {within_working_days: 10, by: strategy-review}}
  - id: legislative-review
    title: Protocol reviewed after a change in the law
    owners: all
    evidence: The protocol reviewed and re-agreed
    clause: "3"
    schedule: {triggered: {within_working_days: 20}}
"""
SETTINGS = PromptSettings()


def specs() -> dict[str, DutySpec]:
    return {spec.key: spec for spec in duty_specs(parse_protocol(PROTOCOL, "demo.yaml"))}


def test_a_trigger_opens_an_occurrence_due_n_working_days_later() -> None:
    # Thursday 5 November 2026; ten working days on is Thursday 19 November.
    found = triggered_occurrence(specs()["progress-report"], Trigger(date(2026, 11, 5), "Q3"))
    assert (found.opens, found.closes, found.due) == (
        date(2026, 11, 5),
        date(2026, 11, 19),
        date(2026, 11, 19),
    )
    assert found.period_key == "triggered:2026-11-05:1"
    assert found.label == "triggered 5 Nov 2026"
    assert found.note == "Q3"


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # Triggered on Wednesday 23 December 2026: Christmas, Boxing Day (moved to Monday 28th)
    # and New Year's Day are not working days.
    found = triggered_occurrence(specs()["progress-report"], Trigger(date(2026, 12, 23)))
    assert found.due == date(2027, 1, 11)


def test_each_trigger_has_its_own_period_key_and_fits_the_database() -> None:
    day = date(2026, 11, 5)
    keys = [
        Trigger(day).period_key,
        Trigger(day, sequence=2).period_key,
        Trigger(date(2026, 11, 6)).period_key,
        Trigger(day, source="4821").period_key,
    ]
    assert keys == [
        "triggered:2026-11-05:1",
        "triggered:2026-11-05:2",
        "triggered:2026-11-06:1",
        "triggered:by:4821",
    ]
    assert all(len(key) <= 40 for key in keys)


def test_a_trigger_at_an_instant_takes_its_london_day() -> None:
    # 23:30 UTC on 10 June is 00:30 on 11 June in London (summer time).
    at = Trigger.at(datetime(2026, 6, 10, 23, 30, tzinfo=UTC), "late evening")
    assert (at.day, at.note) == (date(2026, 6, 11), "late evening")


def test_a_trigger_prompts_as_a_window_opening_does_with_the_note() -> None:
    opened = trigger(
        specs()["progress-report"], Trigger(date(2026, 11, 5), "Strategy refresh agreed"), SETTINGS
    )
    assert {(p.kind, p.recipient.label) for p in opened.prompts} == {
        ("window_opens", "channel:hwb"),
        ("window_opens", "chair:hwb"),
        ("window_opens", "business_manager:hwb"),
        ("counterpart_notice", "business_manager:lscb"),
        ("counterpart_notice", "partner:cabinet"),
    }
    assert all(p.send_on == date(2026, 11, 5) for p in opened.prompts)
    assert all("Note: Strategy refresh agreed." in p.text for p in opened.prompts)
    window = next(p for p in opened.prompts if p.kind == "window_opens")
    assert window.text.startswith(
        "“Progress report at each review of the strategy” was triggered on 5 November 2026: "
        "HWB to LSCB and CABINET within 10 working days, by 19 November 2026."
    )
    assert window.subject == "occurrence:progress-report:triggered:2026-11-05:1"
    assert window.actions == (DONE, SNOOZE)


def test_a_weekend_trigger_speaks_on_the_next_working_day() -> None:
    opened = trigger(specs()["legislative-review"], Trigger(date(2026, 11, 7)), SETTINGS)
    assert opened.sends_on == date(2026, 11, 9)
    assert {p.send_on for p in opened.prompts} == {date(2026, 11, 9)}


def test_reminders_and_overdue_notices_follow_as_for_any_occurrence() -> None:
    found = triggered_occurrence(specs()["legislative-review"], Trigger(date(2026, 11, 5)))
    prompts = plan_occurrence(found, PlanContext(SETTINGS, date(2027, 1, 31), 0))
    sent = sorted({(p.send_on.isoformat(), p.kind) for p in prompts})
    # Due Thursday 3 December 2026 (20 working days); every board owns it (owners: all).
    assert sent == [
        ("2026-11-05", "window_opens"),
        ("2026-11-19", "reminder"),
        ("2026-11-30", "reminder"),
        ("2026-12-04", "overdue"),
    ]
    assert {p.recipient.board for p in prompts} == {"hwb", "lscb"}


def test_marking_a_duty_done_opens_the_duties_triggered_by_it_once() -> None:
    opened = on_completion(specs().values(), "strategy-review", "77", date(2026, 11, 5), SETTINGS)
    assert [o.occurrence.duty.key for o in opened] == ["progress-report"]
    assert opened[0].occurrence.period_key == "triggered:by:77"
    assert (
        on_completion(specs().values(), "progress-report", "78", date(2026, 11, 5), SETTINGS) == []
    )


def test_only_a_triggered_duty_can_be_triggered() -> None:
    with pytest.raises(ValueError, match="strategy-review is not a triggered duty"):
        triggered_occurrence(specs()["strategy-review"], Trigger(date(2026, 11, 5)))
