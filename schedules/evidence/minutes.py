"""Minutes shares in the year, each judged against the protocol's time limit for it.

The limit is that of the protocol's duty to share minutes after a board's meetings (an
after_meetings duty): within N working days of the meeting, counted as the cycle engine counts.
A board with no such duty has no limit to be late against: its shares are `shared`, never
`on_time` or `late`, and a meeting with no share is `not_shared`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from schedules import calendar
from storage.models import Duty, Meeting, MinuteShare


class MinutesStatus(StrEnum):
    """A meeting's minutes judged at an instant against the protocol's limit (if it sets one)."""

    ON_TIME = "on_time"  # shared within the limit
    LATE = "late"  # shared after it
    SHARED = "shared"  # shared, with no limit to be late against
    NOT_SHARED = "not_shared"
    NOT_YET_DUE = "not_yet_due"  # not shared, and the limit has not passed


MINUTE_STATUSES = tuple(MinutesStatus)
NOT_YET_DUE, NOT_SHARED = MinutesStatus.NOT_YET_DUE, MinutesStatus.NOT_SHARED


@dataclass(frozen=True)
class MinuteRow:
    board: str
    meeting_id: int | None  # None: a share logged for a day with no recorded meeting
    meeting_on: date
    due: date | None  # None: the protocol sets no limit for this board's minutes
    status: MinutesStatus
    shared_on: date | None = None
    logged_by: str | None = None
    link: str | None = None
    shared_with: tuple[str, ...] = ()


def minutes_limits(duties: Sequence[Duty], at: datetime) -> dict[str, int]:
    """Board key -> working days its minutes must be shared within (the strictest duty's)."""
    limits: dict[str, int] = {}
    for duty in duties:
        rule = duty.schedule.get("after_meetings")
        if not rule or (duty.retired_at is not None and duty.retired_at <= at):
            continue
        for board in rule.get("of", []):
            days = int(rule["within_working_days"])
            limits[board] = min(days, limits.get(board, days))
    return limits


def minute_rows(
    held: Sequence[tuple[Meeting, str]],
    shares: Sequence[tuple[MinuteShare, str]],
    limits: dict[str, int],
    at: datetime,
) -> list[MinuteRow]:
    """One row per meeting held (and per share that names no recorded meeting), by day.

    `held`: the year's meetings held by `at`, with their board keys; `shares`: shares logged by
    `at` for days in the year, with their board keys."""
    today = calendar.london_date(at)
    by_meeting: dict[int | None, tuple[MinuteShare, str]] = {
        s.meeting_id: (s, b) for s, b in shares if s.meeting_id is not None
    }
    by_day = {(b, s.meeting_on): (s, b) for s, b in shares}
    used: set[int | None] = set()
    rows = []
    for meeting, board in held:
        day = calendar.london_date(meeting.starts_at)
        found = by_meeting.get(meeting.id) or by_day.get((board, day))
        due = _due(board, day, limits)
        if found is None:
            waiting = due is not None and due >= today
            rows.append(
                MinuteRow(board, meeting.id, day, due, NOT_YET_DUE if waiting else NOT_SHARED)
            )
            continue
        used.add(found[0].id)
        rows.append(_shared(found[0], board, meeting.id, day, due))
    for share, board in shares:
        if share.id not in used:
            due = _due(board, share.meeting_on, limits)
            rows.append(_shared(share, board, None, share.meeting_on, due))
    return sorted(rows, key=lambda r: (r.meeting_on, r.board, r.meeting_id or 0))


def _due(board: str, day: date, limits: dict[str, int]) -> date | None:
    return calendar.add_working_days(day, limits[board]) if board in limits else None


def _shared(
    share: MinuteShare, board: str, meeting_id: int | None, day: date, due: date | None
) -> MinuteRow:
    shared_on = calendar.london_date(share.logged_at)
    status = MinutesStatus.SHARED
    if due is not None:
        status = MinutesStatus.ON_TIME if shared_on <= due else MinutesStatus.LATE
    return MinuteRow(
        board,
        meeting_id,
        day,
        due,
        status,
        shared_on,
        share.logged_by,
        share.link,
        tuple(share.shared_with),
    )
