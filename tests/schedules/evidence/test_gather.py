"""The year's record as the evidence pack reads it: occurrences, minutes, requests, escalations."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import select

from schedules.evidence import Pack, build_pack
from storage.models import DutyOccurrence
from tests.commands.conftest import BoundPartnership
from tests.schedules.evidence.year_of_activity import AT, PLANS, REPORT, WAIVED


def statuses(pack: Pack) -> dict[tuple[str, date], str]:
    return {(r.duty.key, r.opens): r.status for r in pack.record.duties}


def test_each_occurrence_has_its_status_as_at_the_instant(year_pack: Pack) -> None:
    assert statuses(year_pack) == {
        ("lrlscb-annual-report-to-hwb", date(2026, 9, 1)): "done_late",
        ("lrsab-annual-report-to-hwb", date(2026, 9, 1)): "waived",
        ("hwb-strategy-review-to-safeguarding-boards", date(2026, 10, 1)): "overdue",
        ("refreshed-plans-shared", date(2026, 4, 1)): "done",
        ("hwb-minutes-shared", date(2026, 6, 10)): "done",
        ("hwb-minutes-shared", date(2026, 9, 16)): "done_late",
    }


def test_an_outcome_carries_its_evidence_person_and_reason(year_pack: Pack) -> None:
    rows = {r.duty.key: r for r in year_pack.record.duties}
    plans, report = rows["refreshed-plans-shared"], rows["lrlscb-annual-report-to-hwb"]
    assert (plans.done_on, plans.done_by, plans.evidence) == (date(2026, 5, 20), "U0HWBBM", PLANS)
    assert (report.done_on, report.evidence) == (date(2026, 12, 3), REPORT)
    waived = rows["lrsab-annual-report-to-hwb"]
    assert (waived.waived_reason, waived.note, waived.done_by) == (WAIVED, None, "U0SABBM")


def test_an_earlier_instant_leaves_out_what_was_recorded_after_it(year: BoundPartnership) -> None:
    then = datetime(2026, 11, 23, 10, tzinfo=UTC)
    earlier = build_pack("rutland", 2026, then, session=year.session)
    found = statuses(earlier)
    assert found[("lrlscb-annual-report-to-hwb", date(2026, 9, 1))] == "open"
    assert found[("lrsab-annual-report-to-hwb", date(2026, 9, 1))] == "waived"
    assert found[("hwb-strategy-review-to-safeguarding-boards", date(2026, 10, 1))] == "open"
    assert earlier.record.audit and all(line.at <= then for line in earlier.record.audit)
    assert [e.status for e in earlier.record.escalations] == ["resolved"]


def test_a_year_not_made_yet_is_the_engines_and_reading_it_stores_nothing(
    bound: BoundPartnership,
) -> None:
    stored = bound.session.exec(select(func.count()).select_from(DutyOccurrence)).one()
    pack = build_pack("rutland", 2028, AT, session=bound.session)  # loading made 2025-27
    assert [(r.duty.key, r.occurrence_id, r.status) for r in pack.record.duties] == [
        ("lrlscb-annual-report-to-hwb", None, "upcoming"),
        ("lrsab-annual-report-to-hwb", None, "upcoming"),
        ("hwb-strategy-review-to-safeguarding-boards", None, "upcoming"),
        ("refreshed-plans-shared", None, "upcoming"),
    ]
    count = bound.session.exec(select(func.count()).select_from(DutyOccurrence)).one()
    assert count == stored
    assert not (bound.session.new or bound.session.dirty)


def test_a_year_loaded_but_not_yet_ticked_is_already_stored(bound: BoundPartnership) -> None:
    pack = build_pack("rutland", 2026, AT, session=bound.session)
    assert all(r.occurrence_id is not None for r in pack.record.duties)
    assert {r.status for r in pack.record.duties} == {"overdue"}


def test_minutes_are_on_time_late_or_not_shared_against_the_protocols_limit(
    year_pack: Pack,
) -> None:
    found = [(m.board, m.meeting_on, m.due, m.status) for m in year_pack.record.minutes]
    assert found == [
        ("hwb", date(2026, 6, 10), date(2026, 6, 24), "on_time"),
        ("hwb", date(2026, 9, 16), date(2026, 9, 30), "late"),
        ("lrlscb", date(2026, 10, 7), None, "not_shared"),
    ]


def test_agenda_requests_have_their_outcomes(year_pack: Pack) -> None:
    found = [(a.from_board, a.to_board, a.status, a.meeting_on) for a in year_pack.record.agenda]
    assert found == [
        ("hwb", "lrlscb", "accepted", date(2026, 10, 7)),
        ("lrsab", "hwb", "declined", None),
        ("lrlscb", "lrsab", "unanswered", None),
    ]


def test_escalations_count_working_days_and_missed_deadlines(year_pack: Pack) -> None:
    resolved, waiting = year_pack.record.escalations
    assert (resolved.status, resolved.deadlines_missed) == ("resolved", 1)
    assert [(s.action, s.working_days, s.missed) for s in resolved.steps] == [
        ("opened", 33, True),
        ("resolved", None, None),
    ]
    assert (waiting.status, waiting.deadlines_missed, waiting.steps[0].working_days) == (
        "open",
        1,
        None,
    )


def test_people_are_named_as_stored_else_by_their_slack_id(year_pack: Pack) -> None:
    assert year_pack.record.name_of("U0HWBBM") == "HWB business manager"
    assert year_pack.record.name_of("U0SABBM") == "U0SABBM"
