"""Roles and statuses: one enum each, their words, and where an occurrence stands on a day."""

from __future__ import annotations

from datetime import date

import pytest

from storage.roles import OFFICERS, WRITERS, Role, either
from storage.status import OccurrenceStatus, Standing, standing

OPENS, DUE = date(2026, 9, 1), date(2026, 11, 30)


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("chair", Role.CHAIR),
        ("Business-Manager", Role.BUSINESS_MANAGER),
        ("business_manager", Role.BUSINESS_MANAGER),
        (" SECRETARIAT ", Role.SECRETARIAT),
        ("chairman", None),
        ("", None),
    ],
)
def test_a_role_is_read_in_any_case_with_either_joiner(typed: str, role: Role | None) -> None:
    assert Role.parse(typed) is role


def test_a_role_is_named_in_words_and_stored_as_its_value() -> None:
    assert Role.BUSINESS_MANAGER.label == "business manager"
    assert Role.BUSINESS_MANAGER == "business_manager" and f"{Role.CHAIR}" == "chair"
    assert either(WRITERS) == "business manager or secretariat"
    assert set(OFFICERS) == {Role.CHAIR, *WRITERS}


@pytest.mark.parametrize(
    ("status", "today", "done_on", "expected"),
    [
        (OccurrenceStatus.PENDING, date(2026, 8, 31), None, Standing.UPCOMING),
        (OccurrenceStatus.PENDING, OPENS, None, Standing.OPEN),
        (OccurrenceStatus.PENDING, DUE, None, Standing.OPEN),
        (OccurrenceStatus.PENDING, date(2026, 12, 1), None, Standing.OVERDUE),
        (OccurrenceStatus.DONE, date(2026, 12, 1), DUE, Standing.DONE),
        (OccurrenceStatus.DONE, date(2026, 12, 9), date(2026, 12, 1), Standing.DONE_LATE),
        (OccurrenceStatus.WAIVED, date(2026, 12, 9), date(2026, 12, 1), Standing.WAIVED),
    ],
)
def test_overdue_is_computed_from_a_pending_occurrence_and_its_due_day(
    status: OccurrenceStatus, today: date, done_on: date | None, expected: Standing
) -> None:
    assert standing(status, OPENS, DUE, today, done_on) is expected
    assert "overdue" not in {s.value for s in OccurrenceStatus}
