"""A partnership starts where it is: what closed before it started using boardbot is not overdue
in /duties, the digest, the clock, the tracker canvas or the evidence pack, and may still be
recorded done or waived."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.setup_file import apply_setup, parse_setup
from schedules.digest import build_digest
from schedules.evidence import build_pack
from schedules.planner import plan_partnership
from schedules.tracker import tracker_markdown
from storage.models import AuditEntry, Duty, DutyOccurrence, Partnership
from storage.queries.partnerships import partnership_by_key, started_using
from storage.status import OccurrenceStatus, Standing, standing
from tests.commands.conftest import NOW, BoundPartnership

STARTED = date(2026, 9, 1)
TODAY = date(2026, 11, 23)  # NOW's London day
OWNERS = {"hwb": "U0HWBBM", "lrlscb": "U0LSCBBM", "lrsab": "U0SABBM"}
SETUP = "partnership: rutland\ndigest_channel: C0DIGEST\nboards: {hwb: {channel: C0HWB}}\n"


def rutland(bound: BoundPartnership) -> Partnership:
    found = partnership_by_key("rutland", session=bound.session)
    assert found is not None and found.id is not None
    return found


def started(bound: BoundPartnership, day: date = STARTED) -> Partnership:
    partnership = rutland(bound)
    started_using(partnership, day, given=True)
    bound.session.commit()
    return partnership


def pending(bound: BoundPartnership) -> list[DutyOccurrence]:
    query = select(DutyOccurrence).where(DutyOccurrence.status == OccurrenceStatus.PENDING)
    return list(bound.session.exec(query))


def before_start(bound: BoundPartnership) -> list[DutyOccurrence]:
    rows = [r for r in pending(bound) if r.due < STARTED]
    assert rows, "the rutland year has windows that closed before September"
    return rows


def apply(bound: BoundPartnership, now: datetime, since: date | None = None) -> str:
    setup = parse_setup(SETUP, "setup.yaml", session=bound.session)
    report = apply_setup(setup, session=bound.session, now=now, since=since)
    bound.session.commit()
    return report.render()


def test_standing_before_the_start_is_before_boardbot_and_an_outcome_still_counts() -> None:
    pending_, done = OccurrenceStatus.PENDING, OccurrenceStatus.DONE
    opens, due = date(2026, 4, 1), date(2026, 5, 29)
    assert standing(pending_, opens, due, TODAY, started=STARTED) == Standing.BEFORE_BOARDBOT
    assert standing(pending_, opens, due, TODAY) == Standing.OVERDUE
    assert standing(pending_, opens, due, TODAY, started=due) == Standing.OVERDUE
    assert standing(done, opens, due, TODAY, due, started=STARTED) == Standing.DONE


def test_binding_starts_it_today_and_applying_again_later_keeps_the_first_day(
    bound: BoundPartnership,
) -> None:
    first = apply(bound, NOW)
    assert "rutland: started using boardbot on 2026-11-23" in first.splitlines()
    assert rutland(bound).started_on == TODAY
    again = apply(bound, NOW + timedelta(days=30))
    assert again == "rutland: no changes"
    assert rutland(bound).started_on == TODAY
    entry = bound.session.exec(
        select(AuditEntry).where(AuditEntry.action == "partnership.started")
    ).one()
    assert (entry.before, entry.after) == ({"started_on": None}, {"started_on": "2026-11-23"})


def test_since_gives_the_start_and_a_clock_run_at_an_earlier_date_leaves_it(
    bound: BoundPartnership,
) -> None:
    assert "started using boardbot on 2026-09-01" in apply(bound, NOW, since=STARTED)
    partnership = rutland(bound)
    assert (partnership.started_on, partnership.started_on_given) == (STARTED, True)
    plan_partnership(partnership, datetime(2026, 6, 1, 8, tzinfo=UTC), session=bound.session)
    assert partnership.started_on == STARTED
    assert apply(bound, NOW + timedelta(days=1)) == "rutland: no changes"


def test_the_clocks_first_tick_on_an_earlier_day_moves_the_start_back(
    bound: BoundPartnership,
) -> None:
    apply(bound, NOW)
    partnership = rutland(bound)
    plan_partnership(partnership, datetime(2026, 6, 1, 8, tzinfo=UTC), session=bound.session)
    assert partnership.started_on == date(2026, 6, 1)
    plan_partnership(partnership, NOW, session=bound.session)
    assert partnership.started_on == date(2026, 6, 1)  # a later tick leaves it
    moved = bound.session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "partnership.started", AuditEntry.actor == "clock"
        )
    ).one()
    assert moved.after == {"started_on": "2026-06-01"}


def test_duties_lists_what_closed_before_the_start_once_under_before_boardbot(
    bound: BoundPartnership,
) -> None:
    started(bound)
    old = before_start(bound)
    reply = bound.run("/duties", "", "U0LSCBBM")
    blocks = [str(block) for block in reply.message.blocks]
    overdue = next((b for b in blocks if "'Overdue'" in b), "")
    earlier = next(b for b in blocks if "'Before boardbot'" in b)
    shown = [r for r in old if f"'#{r.id}'" in earlier]
    assert shown, "what closed before the start is listed under Before boardbot"
    for row in shown:
        assert f"'#{row.id}'" not in overdue
        assert sum(f"'#{row.id}'" in b for b in blocks) == 1
    assert "before boardbot" in reply.message.text


def test_a_duty_from_before_the_start_may_still_be_recorded_waived(
    bound: BoundPartnership,
) -> None:
    started(bound)
    row = before_start(bound)[0]
    duty = bound.session.get(Duty, row.duty_id)
    assert duty is not None
    reply = bound.run("/duties", f"waive {row.id} kept on paper", OWNERS[duty.owners[0]])
    assert "is waived" in reply.message.text
    assert row.status == OccurrenceStatus.WAIVED


def test_the_digest_counts_overdue_only_since_the_start(bound: BoundPartnership) -> None:
    partnership = started(bound)
    old = {f"#{r.id} " for r in before_start(bound)}
    digest = build_digest(partnership, NOW, session=bound.session)
    overdue = next(s for s in digest.sections if s.title == "Overdue duties")
    assert not [item for item in overdue.items if any(item.startswith(i) for i in old)]
    since = [r for r in pending(bound) if STARTED <= r.due < TODAY]
    assert len(overdue.items) + overdue.more == len(since)


def test_the_clock_does_not_prompt_what_closed_before_the_start(bound: BoundPartnership) -> None:
    partnership = started(bound)
    old = before_start(bound)
    for row in old:  # as if prompted before the start was known
        row.next_prompt_at = NOW - timedelta(days=1)
    bound.session.commit()
    entries = plan_partnership(partnership, NOW, session=bound.session)
    ids = {r.id for r in old}
    assert not [e for e in entries if e.payload.get("occurrence_id") in ids]
    assert all(r.next_prompt_at is None for r in old)


def test_the_tracker_leaves_it_out_and_the_evidence_pack_says_before_boardbot(
    bound: BoundPartnership,
) -> None:
    partnership = started(bound, date(2026, 6, 1))  # the 2026/27 year began before the start
    old = [r for r in pending(bound) if date(2026, 4, 1) <= r.opens and r.due < date(2026, 6, 1)]
    assert old
    markdown = tracker_markdown(partnership, NOW, session=bound.session)
    assert "before boardbot" not in markdown.lower()
    pack = build_pack("rutland", 2026, NOW, session=bound.session)
    html = pack.render("html").decode()
    assert "before boardbot" in html
    rows = list(csv.DictReader(io.StringIO(pack.render("csv").decode("utf-8-sig"))))
    assert {row["status"] for row in rows} <= {
        "done", "done_late", "waived", "overdue", "open", "upcoming"
    }  # fmt: skip
    early = [row for row in rows if row["due"] < "2026-06-01" and not row["done_on"]]
    assert early and {row["status"] for row in early} == {"open"}
