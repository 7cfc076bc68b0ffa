"""The outbox: prompts waiting to be sent, claimed, in flight, sent, failed or folded; and the
workspaces whose sending is paused. schedules/outbox.py says how a prompt moves between them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, true
from sqlmodel import Session, col, select

from storage.models import OutboxPrompt, Partnership, SendingPause
from storage.status import PromptStatus
from storage.upsert import insert_if_absent, update_one_if

WAITING = (PromptStatus.PENDING, PromptStatus.SENDING, PromptStatus.FAILED)


def record(rows: Sequence[dict[str, Any]], *, session: Session) -> int:
    """Insert the prompts whose key is new (an existing key is left alone); how many were."""
    return insert_if_absent(OutboxPrompt, rows, unique=["key"], session=session)


def in_workspace(team_id: str | None) -> Any:
    """The prompts of one workspace's partnerships (None: every prompt, one token for all)."""
    if team_id is None:
        return true()
    partnerships = select(Partnership.id).where(Partnership.team_id == team_id)
    return col(OutboxPrompt.partnership_id).in_(partnerships)


def due_ids(
    now: datetime, *, session: Session, limit: int = 500, team_id: str | None = None
) -> list[int]:
    """Pending prompts whose time has come, in the order they fell due; with `team_id`, only
    that workspace's."""
    query = (
        select(OutboxPrompt.id)
        .where(
            OutboxPrompt.status == PromptStatus.PENDING,
            col(OutboxPrompt.next_attempt_at) <= now,
            in_workspace(team_id),
        )
        .order_by(col(OutboxPrompt.next_attempt_at), col(OutboxPrompt.id))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def claim(prompt_id: int, now: datetime, *, session: Session) -> bool:
    """Mark one pending prompt in flight; of senders racing for it exactly one wins."""
    return update_one_if(
        OutboxPrompt,
        prompt_id,
        col(OutboxPrompt.status) == PromptStatus.PENDING,
        session=session,
        status=PromptStatus.SENDING,
        claimed_at=now,
        attempts=OutboxPrompt.attempts + 1,
    )


def claimed_before(
    moment: datetime, *, session: Session, team_id: str | None = None
) -> list[OutboxPrompt]:
    """Prompts in flight since before `moment`, oldest claim first (of one workspace's)."""
    query = (
        select(OutboxPrompt)
        .where(
            OutboxPrompt.status == PromptStatus.SENDING,
            col(OutboxPrompt.claimed_at) <= moment,
            in_workspace(team_id),
        )
        .order_by(col(OutboxPrompt.claimed_at), col(OutboxPrompt.id))
    )
    return list(session.exec(query))


def listing(
    *, session: Session, statuses: Iterable[PromptStatus] = WAITING, limit: int = 200
) -> list[OutboxPrompt]:
    query = (
        select(OutboxPrompt)
        .where(col(OutboxPrompt.status).in_(list(statuses)))
        .order_by(col(OutboxPrompt.next_attempt_at), col(OutboxPrompt.id))
        .limit(limit)
    )
    return list(session.exec(query))


def failed_since(partnership_id: int, since: datetime, *, session: Session) -> list[OutboxPrompt]:
    """The partnership's prompts that failed, made since `since`, oldest first."""
    query = (
        select(OutboxPrompt)
        .where(
            OutboxPrompt.partnership_id == partnership_id,
            OutboxPrompt.status == PromptStatus.FAILED,
            col(OutboxPrompt.created_at) >= since,
        )
        .order_by(col(OutboxPrompt.created_at))
    )
    return list(session.exec(query))


def id_of_key(key: str, *, session: Session) -> int | None:
    """The prompt recorded under this key, if any."""
    return session.exec(select(OutboxPrompt.id).where(OutboxPrompt.key == key)).first()


# -- sending pauses ------------------------------------------------------------------------------


def pause_of(workspace: str, *, session: Session) -> SendingPause | None:
    return session.get(SendingPause, workspace)


def begin_pause(workspace: str, error: str, now: datetime, *, session: Session) -> bool:
    """Pause a workspace; True only for the call that started the pause."""
    pause = {"workspace": workspace, "error": error[:100], "since": now, "checked_at": now}
    return insert_if_absent(SendingPause, [pause], unique=["workspace"], session=session) == 1


def end_pauses(workspaces: Iterable[str], *, session: Session) -> list[SendingPause]:
    """End the pauses of these workspaces; returns the pauses this call ended."""
    statement = (
        delete(SendingPause)
        .where(col(SendingPause.workspace).in_(sorted(set(workspaces))))
        .returning(col(SendingPause.workspace), col(SendingPause.error), col(SendingPause.since))
    )
    return [
        SendingPause(workspace=workspace, error=error, since=since, checked_at=since)
        for workspace, error, since in session.execute(statement).all()
    ]


def pauses(*, session: Session) -> list[SendingPause]:
    return list(session.exec(select(SendingPause).order_by(col(SendingPause.since))))
