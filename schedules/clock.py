"""One tick of the clock: recover in-flight prompts, record what is due, claim and send it.

The tick reaches Slack only through the `Sender` passed in, within a time budget; a failing
prompt never stops it, and nothing it does sleeps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from schedules import calendar, outbox
from schedules.canvases import CanvasKeeper, Keepers, refresh_trackers
from schedules.feeds.subscriptions import refresh_due_feeds
from schedules.planner import plan_partnership
from schedules.rounds import SendingRound, send_one
from schedules.sending import Delivery, LookupFailed, Sender, Senders, SlackBudget, TickReport
from storage.db import advisory_lock, transaction
from storage.models import Partnership
from storage.queries.outbox import pauses
from storage.queries.partnerships import partnership_keys, partnership_workspaces
from storage.retention import purge as retention_purge

__all__ = [
    "Delivery",
    "LookupFailed",
    "QuietHours",
    "Sender",
    "Senders",
    "TickReport",
    "send_one",
    "tick",
]

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 4_242_001  # any constant shared by every boardbot clock


@dataclass(frozen=True)
class QuietHours:
    """Nothing is sent on weekends, bank holidays, or between `start` and `end` London time."""

    start: time = time(18, 0)
    end: time = time(8, 0)

    def allows(self, now: datetime) -> bool:
        local = now.astimezone(calendar.LONDON)
        if not calendar.is_working_day(local.date()):
            return False
        return self.end <= local.time() < self.start


def tick(
    engine: Engine,
    now: datetime,
    sender: Sender | Senders,
    *,
    quiet: QuietHours | None = None,
    retention: timedelta | None = None,
    budget: SlackBudget | None = None,
    keeper: CanvasKeeper | Keepers | None = None,
) -> TickReport:
    report = TickReport()
    with advisory_lock(engine, ADVISORY_LOCK_KEY) as held:  # a second clock stands by
        if not held:
            report.standing_by = True
            return report
        rounds = sending_rounds(engine, now, sender, report, budget or SlackBudget())
        for sending in rounds:
            sending.recover_in_flight()
        refresh_due_feeds(engine, now)  # before planning, so that its notices go this tick
        record_due(engine, now, report)
        if (quiet or QuietHours()).allows(now):
            for sending in rounds:
                sending.send_due()
        if isinstance(keeper, Keepers):  # each workspace's canvases with its own token
            refresh_workspaces(engine, now, keeper)
        elif keeper is not None:  # the digest channels' tracker canvases, where they changed
            refresh_trackers(engine, now, keeper)
        if retention is not None:
            with transaction(engine) as session:
                report.purged = retention_purge(now, retention, session=session)
    return report


def sending_rounds(
    engine: Engine, now: datetime, sender: Sender | Senders, report: TickReport, budget: SlackBudget
) -> list[SendingRound]:
    """One round for the token from the environment; else one per workspace with partnerships,
    each with its own workspace's token (a workspace paused waits without holding up others)."""
    if not isinstance(sender, Senders):
        return [SendingRound(engine, now, sender, report, budget)]
    with Session(engine) as session:
        teams = partnership_workspaces(session=session)
    return [
        SendingRound(engine, now, sender.for_team(team, org), report, budget, team_id=team)
        for team, org in teams
    ]


def refresh_workspaces(engine: Engine, now: datetime, keepers: Keepers) -> None:
    """The tracker canvases of each workspace whose sending is not paused, with its token."""
    with Session(engine) as session:
        teams = partnership_workspaces(session=session)
        paused = {pause.workspace for pause in pauses(session=session)}
    for team, org in teams:
        keeper = None if team in paused else keepers.keeper_for(team, org)
        if keeper is not None:
            refresh_trackers(engine, now, keeper, team_id=team)


def record_due(engine: Engine, now: datetime, report: TickReport) -> None:
    with Session(engine) as session:
        partnerships = partnership_keys(session=session)
    for partnership_id, key in partnerships:
        try:
            with transaction(engine) as session:
                partnership = session.get(Partnership, partnership_id)
                if partnership is None:
                    continue
                entries = plan_partnership(partnership, now, session=session)
                report.recorded += outbox.record(entries, now, session=session)
        except Exception as exc:  # one partnership's failure must not stop the others
            log.exception("planning partnership %s failed", key)
            report.errors.append(f"partnership {key}: {type(exc).__name__}")
