"""Sending pauses: a workspace whose token Slack refuses keeps its prompts pending until it works.

A pause is recorded once (so it is logged once, by whichever clock saw it first), shown by
`boardbot outbox`, probed once a tick while prompts wait, and lifted when Slack accepts the token.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import SendingPause
from storage.upsert import insert_if_absent

# A token refused before it ever said which workspace it belongs to. Only the one token from
# the environment can be in that state (an installed workspace's token comes with its team
# id), so the first workspace whose token proves to work lifts such a pause.
UNIDENTIFIED = "unidentified"


def current(workspace: str, *, session: Session) -> SendingPause | None:
    return session.get(SendingPause, workspace)


def begin(workspace: str, error: str, now: datetime, *, session: Session) -> bool:
    """Pause a workspace; True only for the call that started the pause."""
    pause = {"workspace": workspace, "error": error[:100], "since": now, "checked_at": now}
    return insert_if_absent(SendingPause, [pause], unique=["workspace"], session=session) == 1


def checked(pause: SendingPause, now: datetime) -> None:
    pause.checked_at = now


def lift(workspaces: Iterable[str], *, session: Session) -> list[SendingPause]:
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


def listing(*, session: Session) -> list[SendingPause]:
    return list(session.exec(select(SendingPause).order_by(col(SendingPause.since))))
