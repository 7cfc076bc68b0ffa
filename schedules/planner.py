"""Turn what is due into outbox entries: the same prompt code as `simulate`, fed from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from schedules import calendar
from schedules.occurrences import materialise, occurrence_of, partner_keys, settings_of
from schedules.outbox import FAILED, FOLDED, PENDING, Entry, prompt_key
from schedules.prompts import PlanContext, Prompt, plan_from_storage, plan_occurrence, reminder
from schedules.prompts.payload import payload_of
from schedules.recipients import Resolver
from storage.models import Duty, DutyOccurrence, Partnership
from storage.queries.audit import Auditor
from storage.queries.occurrences import due_for_prompting, never_prompted
from storage.queries.partnerships import started_using

LATE_DAYS = 7  # missed by more than this, a prompt is folded into the digest instead
LOOKAHEAD = 400  # days: far enough to find the next weekly overdue notice
SNOOZABLE = ("reminder", "overdue")


@dataclass(frozen=True)
class PlanSettings:
    send_time: time
    today: date

    @classmethod
    def of(cls, partnership: Partnership, now: datetime) -> PlanSettings:
        return cls(settings_of(partnership).send_clock, calendar.london_date(now))


def plan_partnership(partnership: Partnership, now: datetime, *, session: Session) -> list[Entry]:
    """Every prompt of this partnership that is due by `now` and not yet in the outbox."""
    assert partnership.id is not None
    plan = PlanSettings.of(partnership, now)
    note_first_tick(partnership, now, plan.today, session=session)
    if partnership.materialised_on != plan.today:
        materialise(partnership, now, session=session)
        start_new_occurrences(partnership, plan, session=session)
        partnership.materialised_on = plan.today
    resolver = Resolver(session, partnership.id, partnership.digest_channel)
    entries: list[Entry] = []
    started = partnership.started_on
    for row, duty in due_for_prompting(partnership.id, now, session=session):
        if started is not None and row.due < started:
            row.next_prompt_at = None  # due before the partnership used boardbot: not its to nag
            continue
        entries += occurrence_entries(partnership, row, duty, plan, resolver)
    for prompt in plan_from_storage(partnership, now, session=session):
        entries += entries_for(partnership.id, prompt, plan, resolver)
    return entries


def note_first_tick(
    partnership: Partnership, now: datetime, today: date, *, session: Session
) -> None:
    """A clock's tick on a day before the partnership's start (a clock run `--at` an earlier
    date) moves the start back to it, unless `setup apply --since` gave one."""
    before = partnership.started_on
    if started_using(partnership, today):
        Auditor(session, now, "clock", partnership.id).record(
            "partnership.started",
            "partnership",
            partnership.id,
            before={"started_on": before.isoformat() if before else None},
            after={"started_on": today.isoformat()},
        )


def start_new_occurrences(
    partnership: Partnership, plan: PlanSettings, *, session: Session
) -> None:
    """Give fresh occurrences their first prompt time, skipping what is long past.

    Occurrences that closed more than LATE_DAYS ago (a newly added duty) stay silent: `/duties`
    and the digest show them as overdue, but the clock does not nag. Those due before the
    partnership started using boardbot are never prompted: they are not overdue.
    """
    assert partnership.id is not None
    earliest = plan.today - timedelta(days=LATE_DAYS)
    if partnership.started_on is not None:
        earliest = max(earliest, partnership.started_on)
    for row, duty in never_prompted(partnership.id, earliest, session=session):
        row.next_prompt_at = next_prompt_at(
            partnership, row, duty, plan, after=earliest - timedelta(days=1)
        )


def prompts_of(
    partnership: Partnership, row: DutyOccurrence, duty: Duty, horizon: date
) -> list[Prompt]:
    ctx = PlanContext(settings_of(partnership), horizon, overdue_repeats=None)
    occurrence = occurrence_of(row, duty, partner_keys(partnership))
    prompts = plan_occurrence(occurrence, ctx)
    if row.snoozed_until:
        until = row.snoozed_until
        prompts = [p for p in prompts if not (p.kind in SNOOZABLE and p.send_on < until)]
        prompts += [p for p in reminder.after_snooze(occurrence, until) if p.send_on <= horizon]
    return [with_occurrence(p, row) for p in prompts]


def with_occurrence(prompt: Prompt, row: DutyOccurrence) -> Prompt:
    prompt.extra["occurrence_id"] = row.id
    return prompt


def next_prompt_at(
    partnership: Partnership, row: DutyOccurrence, duty: Duty, plan: PlanSettings, *, after: date
) -> datetime | None:
    """When this occurrence next has something to say (after the day `after`), or None."""
    horizon = plan.today + timedelta(days=LOOKAHEAD)
    days = sorted(
        {p.send_on for p in prompts_of(partnership, row, duty, horizon) if p.send_on > after}
    )
    return calendar.at_local_time(days[0], plan.send_time) if days else None


def occurrence_entries(
    partnership: Partnership,
    row: DutyOccurrence,
    duty: Duty,
    plan: PlanSettings,
    resolver: Resolver,
) -> list[Entry]:
    assert row.next_prompt_at is not None and partnership.id is not None
    since = calendar.london_date(row.next_prompt_at)
    entries = []
    for prompt in prompts_of(partnership, row, duty, plan.today):
        if prompt.send_on >= since:
            entries += entries_for(partnership.id, prompt, plan, resolver)
    row.next_prompt_at = next_prompt_at(partnership, row, duty, plan, after=plan.today)
    return entries


def entries_for(
    partnership_id: int, prompt: Prompt, plan: PlanSettings, resolver: Resolver
) -> list[Entry]:
    late = prompt.send_on < plan.today
    folded = prompt.send_on < plan.today - timedelta(days=LATE_DAYS)
    send_after = calendar.at_local_time(prompt.send_on, plan.send_time)
    entries = []
    for target in resolver.resolve(prompt.recipient):
        status = FAILED if target.problem else (FOLDED if folded else PENDING)
        entries.append(
            Entry(
                key=prompt_key(
                    partnership_id, prompt.kind, prompt.subject, prompt.send_on, target.slack_id
                ),
                partnership_id=partnership_id,
                kind=prompt.kind,
                subject=prompt.subject,
                due_on=prompt.send_on,
                recipient=target.slack_id,
                recipient_label=target.label,
                payload=payload_of(prompt, late=late, problem=target.problem).stored(),
                send_after=send_after,
                late=late,
                status=status,
                error=target.problem,
            )
        )
    return entries
