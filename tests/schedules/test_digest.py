"""The weekly digest says what the boards owe, meet about, ask and escalate this week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from commands.registry import command_handler
from schedules.digest import build_digest
from schedules.occurrences import materialise
from storage.models import Board, Ladder, Meeting, OutboxPrompt
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import NOW, BoundPartnership

STAGES = [
    {"name": "Formal written request", "who_acts": "Either chair", "response_working_days": 10},
    {"name": "Agenda item", "who_acts": "Either chair", "response_working_days": 20},
    {"name": "Chairs' meeting", "who_acts": "The chairs", "response_working_days": 20},
]


def run_at(bound: BoundPartnership, when: datetime, command: str, text: str, user: str) -> None:
    inv = bound.invocation(user, now=when)
    command_handler(command)(inv, text)
    bound.session.commit()


def sections(bound: BoundPartnership) -> dict[str, list[str]]:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None
    materialise(partnership, NOW, session=bound.session)  # as the clock does before a digest
    digest = build_digest(partnership, NOW, session=bound.session)
    assert digest.week_of == date(2026, 11, 23)
    return {s.title: s.items for s in digest.sections}


def test_it_lists_overdue_duties_this_weeks_meetings_and_open_requests(
    bound: BoundPartnership,
) -> None:
    bound.run("/meetings", "add hwb 26 November at 14:00; Council Chamber", "U0HWBBM")
    bound.run("/agenda", "request lrlscb hwb Neglect strategy progress", "U0LSCBBM")
    found = sections(bound)
    assert any("Refreshed plans shared" in item for item in found["Overdue duties"])
    assert found["Meetings this week"] == ["HWB Thu 26 Nov 14:00, Council Chamber"]
    [request] = found["Open agenda requests"]
    assert "LRLSCB → HWB: Neglect strategy progress" in request


def test_it_counts_the_days_an_escalation_has_waited_at_its_current_stage(
    bound: BoundPartnership,
) -> None:
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None and partnership.id is not None
    bound.session.add(
        Ladder(
            partnership_id=partnership.id,
            key="mutual-challenge",
            name="Mutual challenge",
            stages=STAGES,
        )
    )
    bound.session.commit()
    opened = datetime(2026, 11, 2, 10, tzinfo=UTC)
    run_at(bound, opened, "/escalate", "open hwb lrlscb JSNA data is late", "U0HWBBM")
    run_at(
        bound,
        datetime(2026, 11, 16, 10, tzinfo=UTC),
        "/escalate",
        "advance 1 no reply",
        "U0HWBBM",
    )
    [line] = sections(bound)["Open escalations"]
    # Advanced on Monday 16 November: five working days to Monday 23rd, not fifteen.
    assert "stage 2/3 Agenda item, waiting 5 working days at this stage" in line


def test_it_names_meetings_without_minutes_and_prompts_that_failed(bound: BoundPartnership) -> None:
    hwb = bound.session.exec(select(Board).where(Board.key == "hwb")).one()
    assert hwb.id is not None
    bound.session.add(
        Meeting(
            board_id=hwb.id, starts_at=datetime(2026, 11, 12, 14, tzinfo=UTC), created_by="U0HWBBM"
        )
    )
    partnership = partnership_by_key("rutland", session=bound.session)
    assert partnership is not None and partnership.id is not None
    bound.session.add(
        OutboxPrompt(
            key="k",
            partnership_id=partnership.id,
            kind="window_opens",
            subject="s",
            due_on=date(2026, 11, 20),
            recipient="C0SAB",
            recipient_label="channel:lrsab",
            status="failed",
            last_error="is_archived",
            next_attempt_at=NOW - timedelta(days=3),
            created_at=NOW - timedelta(days=3),
        )
    )
    bound.session.commit()
    found = sections(bound)
    assert found["Minutes not yet shared"] == ["HWB meeting of 12 November 2026"]
    assert found["Prompts that could not be sent"] == [
        "window_opens for channel:lrsab: is_archived"
    ]
