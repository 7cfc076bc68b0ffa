"""Slack workspaces: those that installed boardbot (slack_sdk's tables), and deleting every
record of one (`boardbot workspaces remove`, for a data-protection request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.installations import bots, installations
from storage.models import (
    AgendaRequest,
    AuditEntry,
    Board,
    CalendarToken,
    Duty,
    DutyOccurrence,
    Escalation,
    EscalationStep,
    FeedSubscription,
    Ladder,
    Meeting,
    Membership,
    MinuteShare,
    OutboxPrompt,
    Partnership,
    Person,
    SendingPause,
    TrackerCanvas,
)
from storage.queries.boards import ids_in


@dataclass(frozen=True)
class Installed:
    """A workspace (or an Enterprise Grid org, installed org-wide) with a stored bot token."""

    team_id: str | None
    enterprise_id: str | None
    name: str
    installed_at: datetime  # naive UTC, as slack_sdk stores it


def installed_workspaces(*, session: Session) -> list[Installed]:
    """Each workspace's newest installation that still has a bot token."""
    query = (
        select_columns(
            bots.c.team_id,
            bots.c.enterprise_id,
            func.max(bots.c.team_name),
            func.max(bots.c.enterprise_name),
            func.max(bots.c.installed_at),
        )
        .where(bots.c.bot_token.is_not(None))
        .group_by(bots.c.team_id, bots.c.enterprise_id)
        .order_by(bots.c.team_id, bots.c.enterprise_id)
    )
    return [
        Installed(team, org, str(team_name or org_name or ""), at)
        for team, org, team_name, org_name, at in session.execute(query).all()
    ]


def partnerships_of(team_id: str, *, session: Session) -> list[Partnership]:
    query = select(Partnership).where(Partnership.team_id == team_id)
    return list(session.exec(query.order_by(col(Partnership.key))))


def remove_workspace(team_id: str, *, session: Session) -> dict[str, int]:
    """Delete the workspace's partnerships with every record they hold, its installation and
    its sending pause, and the people left on no board; how many rows of each were deleted."""
    counts: dict[str, int] = {}

    def gone(model: Any, where: Any) -> None:
        table = model if hasattr(model, "c") else model.__table__
        result: Any = session.execute(delete(table).where(where))
        counts[table.name] = counts.get(table.name, 0) + int(result.rowcount or 0)

    for partnership in partnerships_of(team_id, session=session):
        pid = partnership.id
        boards = ids_in(pid)  # type: ignore[arg-type]
        duties = select(Duty.id).where(Duty.partnership_id == pid)
        escalations = select(Escalation.id).where(Escalation.partnership_id == pid)
        meetings = select(Meeting.id).where(col(Meeting.board_id).in_(boards))
        gone(EscalationStep, col(EscalationStep.escalation_id).in_(escalations))
        gone(Escalation, Escalation.partnership_id == pid)
        gone(AgendaRequest, AgendaRequest.partnership_id == pid)
        gone(DutyOccurrence, col(DutyOccurrence.duty_id).in_(duties))
        gone(MinuteShare, col(MinuteShare.board_id).in_(boards))
        gone(DutyOccurrence, col(DutyOccurrence.meeting_id).in_(meetings))
        gone(Meeting, col(Meeting.board_id).in_(boards))
        gone(FeedSubscription, col(FeedSubscription.board_id).in_(boards))
        gone(Membership, col(Membership.board_id).in_(boards))
        for model in (Duty, Ladder, CalendarToken, OutboxPrompt, AuditEntry):
            gone(model, model.partnership_id == pid)
        if partnership.digest_channel:
            gone(TrackerCanvas, TrackerCanvas.channel == partnership.digest_channel)
        gone(Board, col(Board.id).in_(boards))
        gone(Partnership, Partnership.id == pid)
    gone(Person, col(Person.id).not_in(select(Membership.person_id)))
    gone(SendingPause, SendingPause.workspace == team_id)
    gone(bots, bots.c.team_id == team_id)
    gone(installations, installations.c.team_id == team_id)
    return {name: count for name, count in counts.items() if count}
