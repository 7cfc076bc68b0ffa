"""Escalations between boards, their stage history, and the ladders they climb."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from storage.models import Escalation, EscalationStep, Ladder
from storage.queries.records import chunks
from storage.status import STARTS_A_STAGE, EscalationStatus, StepAction

OPEN = col(Escalation.status) == EscalationStatus.OPEN
WithLadder = tuple[Escalation, Ladder]


def open_escalations(
    partnership_id: int, *, session: Session, past_deadline_on: date | None = None
) -> list[WithLadder]:
    """The partnership's open escalations with their ladders, oldest first; or only those whose
    stage deadline is before `past_deadline_on`."""
    query = (
        select(Escalation, Ladder)
        .join(Ladder, col(Ladder.id) == col(Escalation.ladder_id))
        .where(Escalation.partnership_id == partnership_id, OPEN)
    )
    if past_deadline_on is not None:
        query = query.where(col(Escalation.stage_deadline) < past_deadline_on)
    order = (col(Escalation.opened_at), col(Escalation.id))
    return [(row, ladder) for row, ladder in session.exec(query.order_by(*order))]


def open_involving(board_ids: Iterable[int], *, session: Session) -> list[WithLadder]:
    """Open escalations from or to any of these boards, with their ladders, nearest deadline
    first."""
    ids = list(board_ids)
    query = (
        select(Escalation, Ladder)
        .join(Ladder, col(Ladder.id) == col(Escalation.ladder_id))
        .where(
            OPEN,
            or_(col(Escalation.from_board_id).in_(ids), col(Escalation.to_board_id).in_(ids)),
        )
        .order_by(col(Escalation.stage_deadline), col(Escalation.id))
    )
    return [(row, ladder) for row, ladder in session.exec(query)]


def open_or_resolved_since(
    partnership_id: int, board_id: int | None, since: datetime, *, session: Session
) -> list[Escalation]:
    """Open escalations, then those resolved since `since`, involving a board (or any)."""
    recent = or_(OPEN, col(Escalation.resolved_at) >= since)
    query = select(Escalation).where(Escalation.partnership_id == partnership_id, recent)
    if board_id is not None:
        query = query.where(
            or_(Escalation.from_board_id == board_id, Escalation.to_board_id == board_id)
        )
    return list(session.exec(query.order_by(col(Escalation.status), col(Escalation.id))))


def active_between(
    partnership_id: int, start: datetime, end: datetime, *, session: Session
) -> list[Escalation]:
    """Escalations open at some moment in [start, end): opened before its end, not resolved
    before its start."""
    query = (
        select(Escalation)
        .where(
            Escalation.partnership_id == partnership_id,
            col(Escalation.opened_at) < end,
            or_(col(Escalation.resolved_at).is_(None), col(Escalation.resolved_at) >= start),
        )
        .order_by(col(Escalation.opened_at), col(Escalation.id))
    )
    return list(session.exec(query))


# -- the stage history ---------------------------------------------------------------------------


def steps_of(escalation_ids: Sequence[int], *, session: Session) -> list[EscalationStep]:
    """The stage history of these escalations, in the order it happened."""
    found: list[EscalationStep] = []
    for part in chunks(escalation_ids):
        query = select(EscalationStep).where(col(EscalationStep.escalation_id).in_(part))
        found += session.exec(query)
    return sorted(found, key=lambda step: (step.at, step.id or 0))


def stage_starts(escalation_ids: Sequence[int], *, session: Session) -> dict[int, datetime]:
    """When each escalation reached its current stage: its latest step that opened or advanced
    it. (Absent for an escalation with no such step; its opening instant stands in.)"""
    return _latest_steps(escalation_ids, STARTS_A_STAGE, session)


def last_changes(escalation_ids: Sequence[int], *, session: Session) -> dict[int, datetime]:
    """When each escalation last changed: its latest step of any kind."""
    return _latest_steps(escalation_ids, tuple(StepAction), session)


def _latest_steps(
    escalation_ids: Sequence[int], actions: Sequence[StepAction], session: Session
) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for part in chunks(escalation_ids):
        query = (
            select(EscalationStep.escalation_id, func.max(EscalationStep.at))
            .where(
                col(EscalationStep.escalation_id).in_(part),
                col(EscalationStep.action).in_(actions),
            )
            .group_by(col(EscalationStep.escalation_id))
        )
        found.update({escalation_id: at for escalation_id, at in session.exec(query)})
    return found


# -- ladders ---------------------------------------------------------------------------------


def ladders_by_id(partnership_id: int, *, session: Session) -> dict[int, Ladder]:
    """Every ladder the partnership has had, by id."""
    query = select(Ladder).where(Ladder.partnership_id == partnership_id)
    return {ladder.id: ladder for ladder in session.exec(query) if ladder.id is not None}


def every_ladder_of(partnership_id: int, *, session: Session) -> list[Ladder]:
    """Every ladder the partnership has had, retired ones too, in the order they were made."""
    query = select(Ladder).where(Ladder.partnership_id == partnership_id)
    return list(session.exec(query.order_by(col(Ladder.id))))


def first_ladder(partnership_id: int, default_key: str, *, session: Session) -> Ladder | None:
    """The ladder new escalations climb: the protocol's first in force, else the default."""
    query = (
        select(Ladder)
        .where(Ladder.partnership_id == partnership_id, col(Ladder.retired_at).is_(None))
        .order_by(col(Ladder.key) == default_key, col(Ladder.id))
    )
    return session.exec(query).first()
