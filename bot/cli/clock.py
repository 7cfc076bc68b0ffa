"""`boardbot clock`, `boardbot outbox` and `boardbot digest`: the clock process and its tools."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import typer

from bot.cli.common import PARTNERSHIP, app, engine, settings
from storage.errors import BoardbotError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.canvas import SlackCanvasKeeper
    from bot.sender import SlackSender
    from bot.settings import Settings
    from bot.tokens import TeamSenders
    from schedules.clock import QuietHours, Sender, TickReport
    from storage.models import Partnership

log = logging.getLogger(__name__)
TICK_MINUTES = 5


def parse_at(value: str | None) -> datetime:
    """An instant from --at: ISO, with a UTC offset or London time; now when not given."""
    from schedules import calendar

    if value is None:
        return calendar.utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BoardbotError(
            f"--at: '{value}' is not a date and time; write e.g. 2026-09-01T09:00:00+01:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.LONDON)  # a bare time means London time
    return moment.astimezone(UTC)


def quiet_hours(config: Settings) -> QuietHours:
    from schedules.clock import QuietHours

    return QuietHours(start=config.quiet_start, end=config.quiet_end)


@app.command("clock")
def clock_command(
    run_once: bool = typer.Option(False, "--run-once", help="Run one tick and exit."),
    at: str | None = typer.Option(
        None, "--at", metavar="ISO-DATETIME", help="With --run-once: tick as of this instant."
    ),
) -> None:
    """The clock process: a tick every few minutes and the Monday digest (exactly one clock)."""
    from bot.canvas import SlackCanvasKeeper
    from bot.sender import SlackSender
    from bot.tokens import clock_senders
    from schedules.clock import tick

    config = settings()
    db = engine(config)
    sender = clock_senders(config, db)
    # The tracker canvases: with the one token from the environment, or each workspace's own.
    keeper = SlackCanvasKeeper(sender.client) if isinstance(sender, SlackSender) else sender
    if run_once:
        report = tick(
            db,
            parse_at(at),
            sender,
            quiet=quiet_hours(config),
            retention=keep(config),
            keeper=keeper,
        )
        typer.echo(report.summary())
        if not report.ok:
            for problem in troubles(report):
                typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(1)
        return
    if at is not None:
        raise BoardbotError("--at goes with --run-once")
    run_scheduler(db, sender, quiet_hours(config), keep(config), keeper)


def clock_sender(config: Settings, db: Engine, partnership: Partnership) -> Sender:
    """The sender for one partnership's workspace."""
    from bot.sender import SlackSender
    from bot.tokens import clock_senders

    senders = clock_senders(config, db)
    if isinstance(senders, SlackSender):
        return senders
    if partnership.team_id is None:
        raise BoardbotError(
            f"partnership '{partnership.key}' has no workspace yet; `boardbot setup apply` with "
            "team: T… binds it to one"
        )
    return senders.for_team(partnership.team_id, partnership.enterprise_id)


def troubles(report: TickReport) -> list[str]:
    """What a person should look at after a tick, one line each."""
    lines = [f"planning failed for {error}; the log has the details" for error in report.errors]
    if report.paused:
        lines.append(
            f"Slack refuses the bot token ({report.paused}): nothing is sent, and the prompts "
            "wait until it works again (`boardbot outbox` lists them)"
        )
    return lines


def keep(config: Settings) -> timedelta:
    return timedelta(days=config.retention_days)


def run_scheduler(
    db: Engine,
    sender: SlackSender | TeamSenders,
    quiet: QuietHours,
    retention: timedelta,
    keeper: SlackCanvasKeeper | TeamSenders | None = None,
) -> None:
    import signal
    from zoneinfo import ZoneInfo

    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    from schedules import calendar
    from schedules.clock import tick

    def job() -> None:
        report = tick(
            db, calendar.utcnow(), sender, quiet=quiet, retention=retention, keeper=keeper
        )
        log.info("tick: %s", report.summary())

    scheduler = BlockingScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1}
    )
    scheduler.add_job(
        job,
        "interval",
        minutes=TICK_MINUTES,
        id="tick",
        replace_existing=True,
        misfire_grace_time=TICK_MINUTES * 60,
        next_run_time=datetime.now(ZoneInfo("UTC")),
    )
    # The digest is recorded by any tick from Monday 09:00; this job makes it punctual.
    scheduler.add_job(
        job,
        CronTrigger(day_of_week="mon", hour=9, minute=0, second=30, timezone="Europe/London"),
        id="digest",
        replace_existing=True,
        misfire_grace_time=3600,
    )
    # Platforms stop a process with SIGTERM: let a tick that is sending finish first.
    signal.signal(signal.SIGTERM, lambda signum, frame: scheduler.shutdown(wait=True))
    log.info("clock started: a tick every %d minutes", TICK_MINUTES)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=True)
    log.info("clock stopped")


outbox_app = typer.Typer(
    help="Prompts waiting, in flight or failed.", invoke_without_command=True, rich_markup_mode=None
)
app.add_typer(outbox_app, name="outbox")


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    failed: bool = typer.Option(False, "--failed", help="Only prompts that failed."),
) -> None:
    """List pending and failed prompts (`boardbot outbox retry ID` requeues one).

    Also says when sending is paused for a workspace and which calendar feeds keep failing.
    """
    if ctx.invoked_subcommand is not None:
        return
    from sqlmodel import Session

    from bot.canvas import canvases_off
    from schedules import calendar, outbox
    from schedules.feeds.subscriptions import failing, failure_line
    from storage.queries.outbox import listing, pauses

    statuses = (outbox.FAILED,) if failed else (outbox.PENDING, outbox.SENDING, outbox.FAILED)
    with Session(engine(settings())) as session:
        rows = listing(session=session, statuses=statuses)
        paused = pauses(session=session)
        feeds = [
            failure_line(board, subscription) for board, subscription in failing(session=session)
        ]
        canvases = canvases_off(session=session)
    for pause in paused:
        since = pause.since.astimezone(calendar.LONDON).strftime("%Y-%m-%d %H:%M")
        checked = pause.checked_at.astimezone(calendar.LONDON).strftime("%Y-%m-%d %H:%M")
        typer.echo(
            f"sending paused for workspace {pause.workspace} since {since}: Slack refuses the "
            f"bot token ({pause.error}); last checked {checked}. Prompts wait, pending, and go "
            "out once the token works."
        )
    for line in feeds:
        typer.echo(f"feed failing: {line}")
    for line in canvases:
        typer.echo(line)
    if not rows:
        typer.echo("nothing waiting" if not failed else "no failed prompts")
    for row in rows:
        when = row.next_attempt_at.astimezone(calendar.LONDON).strftime("%Y-%m-%d %H:%M")
        error = f"  {row.last_error}" if row.last_error else ""
        typer.echo(
            f"{row.id:>6} {row.status:<8} {row.kind:<18} {row.recipient_label:<24} "
            f"due {row.due_on} next {when} tries {row.attempts}{error}"
        )


@outbox_app.command("retry")
def outbox_retry(prompt_id: int = typer.Argument(..., metavar="ID", hidden=True)) -> None:
    """Requeue the failed (or stuck) prompt ID to be sent on the next tick."""
    from schedules import calendar, outbox
    from storage.db import transaction
    from storage.models import OutboxPrompt

    now = calendar.utcnow()
    with transaction(engine(settings())) as session:
        row = session.get(OutboxPrompt, prompt_id)
        if row is None:
            raise BoardbotError(f"no prompt {prompt_id}; `boardbot outbox` lists them")
        if row.status == outbox.SENT:
            raise BoardbotError(f"prompt {prompt_id} was sent at {row.sent_at}; not resending")
        outbox.requeue(row, now)
    typer.echo(f"prompt {prompt_id} requeued")


@app.command("digest")
def digest_command(
    partnership_key: str = PARTNERSHIP,
    at: str | None = typer.Option(
        None, "--at", metavar="DATE", help="As of this date (YYYY-MM-DD) or instant."
    ),
    post: bool = typer.Option(False, "--post", help="Post it to the digest channel now."),
) -> None:
    """Print (or post) PARTNERSHIP's weekly digest."""
    from schedules import calendar, outbox
    from schedules.clock import TickReport, send_one
    from schedules.digest import build_digest
    from schedules.prompts.digest import on_demand
    from storage.db import transaction
    from storage.queries.outbox import id_of_key
    from storage.queries.partnerships import all_partnerships, partnership_by_key

    config = settings()
    if post and not config.installed_by_oauth:
        config.require("SLACK_BOT_TOKEN")  # before anything is queued
    now = parse_at(at if at is None or "T" in at else f"{at}T09:00:00")
    db = engine(config)
    with transaction(db) as session:
        partnership = partnership_by_key(partnership_key, session=session)
        if partnership is None or partnership.id is None:
            known = ", ".join(p.key for p in all_partnerships(session=session)) or "none loaded"
            raise BoardbotError(f"no partnership '{partnership_key}' ({known})")
        digest = build_digest(partnership, now, session=session)
        if not post:
            typer.echo(digest.text())
            return
        if not partnership.digest_channel:
            raise BoardbotError("this partnership has no digest channel; set it with setup apply")
        entry = on_demand(partnership, digest, now, stamp=calendar.utcnow())
        outbox.record([entry], now, session=session)
        row_id = id_of_key(entry.key, session=session)
        assert row_id is not None
        sender = clock_sender(config, db, partnership)
    report = TickReport()
    send_one(db, row_id, calendar.utcnow(), sender, report)
    if report.sent:
        typer.echo(f"digest posted to {entry.recipient}")
    elif report.paused:
        typer.echo(f"digest not posted: Slack refuses the bot token ({report.paused}); it waits")
    else:
        typer.echo("digest not posted yet; `boardbot outbox` shows why, the clock will retry")
