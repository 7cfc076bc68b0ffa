"""Partnerships: all of them, one by its key, those whose digest goes to a channel."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Partnership


def all_partnerships(*, session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).order_by(col(Partnership.key))))


def partnerships_in_workspace(
    team_id: str | None, *, session: Session, unbound: bool = True
) -> list[Partnership]:
    """The partnerships a request from this Slack workspace may see: its own, and (`unbound`)
    any not yet bound to a workspace; every partnership when no workspace is given (the CLI)."""
    query = select(Partnership).order_by(col(Partnership.key))
    if team_id is not None:
        mine = col(Partnership.team_id) == team_id
        query = query.where(or_(mine, col(Partnership.team_id).is_(None)) if unbound else mine)
    return list(session.exec(query))


def partnerships_by_team(*, session: Session) -> dict[str | None, list[Partnership]]:
    """Every partnership, grouped by its workspace (None: not bound to one yet)."""
    grouped: dict[str | None, list[Partnership]] = {}
    for partnership in all_partnerships(session=session):
        grouped.setdefault(partnership.team_id, []).append(partnership)
    return grouped


def partnership_by_key(key: str, *, session: Session) -> Partnership | None:
    return session.exec(select(Partnership).where(Partnership.key == key)).first()


def partnerships_by_digest_channel(channel_id: str, *, session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).where(Partnership.digest_channel == channel_id)))


def started_using(partnership: Partnership, day: date, *, given: bool = False) -> bool:
    """Note that `partnership` was in use on `day`: a day `given` (`setup apply --since`) is its
    start; else its start moves back to `day` when that is earlier, unless one was given. True
    when the start changed."""
    if given:
        changed = partnership.started_on != day or not partnership.started_on_given
        partnership.started_on, partnership.started_on_given = day, True
        return changed
    if partnership.started_on_given:
        return False
    if partnership.started_on is not None and partnership.started_on <= day:
        return False
    partnership.started_on = day
    return True


def partnership_keys(*, session: Session) -> list[tuple[int, str]]:
    """(id, key) of every partnership, oldest first: what the clock plans, one at a time."""
    query = select(Partnership.id, Partnership.key).order_by(col(Partnership.id))
    return [(pid, key) for pid, key in session.exec(query) if pid is not None]


def partnership_workspaces(*, session: Session) -> list[tuple[str, str | None]]:
    """(team id, Enterprise Grid org) of every workspace that has a partnership."""
    query = (
        select(Partnership.team_id, Partnership.enterprise_id)
        .where(col(Partnership.team_id).is_not(None))
        .distinct()
        .order_by(col(Partnership.team_id))
    )
    return [(team, org) for team, org in session.exec(query) if team is not None]


def digest_channels(*, session: Session, team_id: str | None = None) -> dict[str, list[int]]:
    """Each digest channel with the partnerships (ids, by key) whose digest goes there; with
    `team_id`, only that workspace's."""
    query = select(Partnership.id, Partnership.digest_channel).where(
        col(Partnership.digest_channel).is_not(None)
    )
    if team_id is not None:
        query = query.where(Partnership.team_id == team_id)
    channels: dict[str, list[int]] = {}
    for partnership_id, channel in session.exec(query.order_by(col(Partnership.key))):
        if channel and partnership_id is not None:
            channels.setdefault(channel, []).append(partnership_id)
    return channels
