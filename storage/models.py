"""SQLModel tables: partnerships, boards, people, meetings, duties and what happens to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.roles import Role
from storage.status import (
    AgendaStatus,
    EscalationStatus,
    MeetingStatus,
    OccurrenceStatus,
    PromptStatus,
    StepAction,
)
from storage.types import enum_field, json_field, utc_field


class Partnership(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="Europe/London", max_length=60)
    year_start_month: int = 4
    source: str = Field(default="", max_length=500)
    protocol: dict[str, Any] = json_field(default_factory=dict)
    digest_channel: str | None = Field(default=None, max_length=40)
    loaded_at: datetime = utc_field()
    materialised_on: date | None = None  # the London day occurrences were last made
    # The London day the partnership started using boardbot: what closed before it is not
    # overdue (storage/status.py `standing`). `setup apply --since` gives it (given); else the
    # earlier of the day it was first bound and the day of the clock's first tick for it.
    started_on: date | None = None
    started_on_given: bool = False
    # The Slack workspace (team id) it belongs to; None only before it is bound to one (a
    # single-workspace deployment's partnerships from before workspaces were recorded).
    team_id: str | None = Field(default=None, max_length=40, index=True)
    enterprise_id: str | None = Field(default=None, max_length=40)  # its Enterprise Grid org


class Body(SQLModel, table=True):
    """A board as it is in the workspace: one channel, one set of people. Each partnership that
    names it has its own Board row (its key, duties, retirement) pointing here."""

    id: int | None = Field(default=None, primary_key=True)


class Board(SQLModel, table=True):
    """A partnership's board: its key and name in that protocol, and the body it names. Every
    row of one body carries the body's channel (kept in step by storage/queries/boards.py)."""

    __table_args__ = (UniqueConstraint("partnership_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    channel_id: str | None = Field(default=None, max_length=40)
    retired_at: datetime | None = utc_field(nullable=True)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slack_user_id: str = Field(max_length=40, unique=True)
    name: str = Field(default="", max_length=200)


class Membership(SQLModel, table=True):
    """A person's role on a board; one person may sit on several boards. A role held through
    one partnership's row of a shared body is held on the body, in every partnership."""

    __table_args__ = (UniqueConstraint("person_id", "board_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    role: Role = enum_field(Role, length=30)


class PartnerContact(SQLModel, table=True):
    """A person who hears for a partner that is not a board (Cabinet, the Leader), by DM."""

    __table_args__ = (UniqueConstraint("partnership_id", "partner_key", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    partner_key: str = Field(max_length=60)
    person_id: int = Field(foreign_key="person.id", index=True)


class Meeting(SQLModel, table=True):
    """A board meeting, typed by hand or read from a calendar feed (keyed by UID and instance)."""

    # One meeting per feed event and instance on a board, however often the feed is read.
    __table_args__ = (
        UniqueConstraint("board_id", "feed_uid", "feed_recurrence", name="uq_meeting_feed_event"),
    )
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    starts_at: datetime = utc_field(index=True)  # an all-day meeting: 00:00 London that day
    venue: str = Field(default="", max_length=200)
    status: MeetingStatus = enum_field(MeetingStatus, MeetingStatus.SCHEDULED)
    created_by: str = Field(default="", max_length=40)
    all_day: bool = False  # a day without a time (an all-day event in a feed)
    origin: str = Field(default="hand", max_length=10)  # hand | feed: who keeps it up to date
    feed_uid: str | None = Field(default=None, max_length=255)
    feed_recurrence: str | None = Field(default=None, max_length=40)  # "" for a single event
    feed_source: str | None = Field(default=None, max_length=500)
    sequence: int = 0  # raised on every change; the exported calendar's SEQUENCE
    changed_at: datetime | None = utc_field(nullable=True)


class Duty(SQLModel, table=True):
    """A protocol duty (or joint meeting) as loaded; retired, never deleted, when removed."""

    __table_args__ = (UniqueConstraint("partnership_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    key: str = Field(max_length=60)
    kind: str = Field(default="duty", max_length=20)  # duty | joint_meeting
    title: str = Field(max_length=150)
    owners: list[str] = json_field()
    counterparts: list[str] = json_field()
    evidence: str = Field(default="", max_length=500)
    clause: str = Field(default="", max_length=200)
    schedule: dict[str, Any] = json_field(default_factory=dict)
    attendee_roles: list[str] = json_field()  # a joint meeting's: who meets (e.g. chairs)
    retired_at: datetime | None = utc_field(nullable=True)


class DutyOccurrence(SQLModel, table=True):
    """One dated instance of a duty: a window in one year, or the days after one meeting."""

    __table_args__ = (UniqueConstraint("duty_id", "period_key"),)
    id: int | None = Field(default=None, primary_key=True)
    duty_id: int = Field(foreign_key="duty.id", index=True)
    period_key: str = Field(max_length=40)
    label: str = Field(default="", max_length=60)
    opens: date = Field(index=True)
    closes: date  # the calendar window's last day
    due: date = Field(index=True)  # closes, moved back to a working day
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    status: OccurrenceStatus = enum_field(OccurrenceStatus, OccurrenceStatus.PENDING)
    evidence_link: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=500)  # what shows it, or why it was waived
    # The recorded meeting (of an owner or counterpart board) at which it was done, if one.
    evidence_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    completed_by: str | None = Field(default=None, max_length=40)
    completed_at: datetime | None = utc_field(nullable=True)
    snoozed_until: date | None = None
    next_prompt_at: datetime | None = utc_field(nullable=True, index=True)
    trigger_note: str | None = Field(default=None, max_length=500)  # a triggered one's: why


class MinuteShare(SQLModel, table=True):
    # One log per board and meeting day, even when two people log it at once.
    __table_args__ = (UniqueConstraint("board_id", "meeting_on", name="uq_minuteshare_board_day"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    meeting_on: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    link: str | None = Field(default=None, max_length=500)
    shared_with: list[str] = json_field()
    logged_by: str = Field(max_length=40)
    logged_at: datetime = utc_field()


class AgendaRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    from_board_id: int = Field(foreign_key="board.id", index=True)
    to_board_id: int = Field(foreign_key="board.id", index=True)
    text: str = Field(max_length=500)
    status: AgendaStatus = enum_field(AgendaStatus, AgendaStatus.OPEN)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    reason: str | None = Field(default=None, max_length=500)
    requested_by: str = Field(max_length=40)
    requested_at: datetime = utc_field()
    decided_by: str | None = Field(default=None, max_length=40)
    decided_at: datetime | None = utc_field(nullable=True)
    message_channel: str | None = Field(default=None, max_length=40)
    message_ts: str | None = Field(default=None, max_length=40)


class Ladder(SQLModel, table=True):
    """An escalation ladder as loaded; retired, never deleted, when its protocol drops it."""

    __table_args__ = (UniqueConstraint("partnership_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    key: str = Field(max_length=60)
    name: str = Field(max_length=150)
    clause: str = Field(default="", max_length=200)
    stages: list[dict[str, Any]] = json_field()
    retired_at: datetime | None = utc_field(nullable=True)


class Escalation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    ladder_id: int = Field(foreign_key="ladder.id")
    from_board_id: int = Field(foreign_key="board.id", index=True)
    to_board_id: int = Field(foreign_key="board.id", index=True)
    text: str = Field(max_length=500)
    stage: int = 1
    stage_deadline: date
    status: EscalationStatus = enum_field(EscalationStatus, EscalationStatus.OPEN)
    outcome: str | None = Field(default=None, max_length=500)
    opened_by: str = Field(max_length=40)
    opened_at: datetime = utc_field()
    resolved_at: datetime | None = utc_field(nullable=True)


class EscalationStep(SQLModel, table=True):
    """The stage history of an escalation: opened, advanced, resolved."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    stage: int
    stage_name: str = Field(max_length=150)
    action: StepAction = enum_field(StepAction)
    note: str | None = Field(default=None, max_length=500)
    deadline: date | None = None
    by: str = Field(max_length=40)
    at: datetime = utc_field()


class OutboxPrompt(SQLModel, table=True):
    """A prompt in the outbox: recorded once, claimed by one sender, sent at most once."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=120)
    due_on: date
    recipient: str = Field(max_length=40)
    recipient_label: str = Field(default="", max_length=120)
    payload: dict[str, Any] = json_field(default_factory=dict)
    status: PromptStatus = enum_field(PromptStatus, PromptStatus.PENDING, index=True)
    attempts: int = 0
    next_attempt_at: datetime = utc_field(index=True)
    claimed_at: datetime | None = utc_field(nullable=True)
    late: bool = False
    last_error: str | None = Field(default=None, max_length=300)
    slack_channel: str | None = Field(default=None, max_length=40)
    slack_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(nullable=True)


class AuditEntry(SQLModel, table=True):
    """Append-only: who changed what, when, with the before and after."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor: str = Field(max_length=40)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    partnership_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] | None = json_field(default_factory=dict)
    after: dict[str, Any] | None = json_field(default_factory=dict)


class SlackDelivery(SQLModel, table=True):
    """Deliveries already handled, so that Slack's retries are processed once."""

    id: int | None = Field(default=None, primary_key=True)
    delivery_key: str = Field(max_length=200, unique=True)
    received_at: datetime = utc_field()


class SendingPause(SQLModel, table=True):
    """A workspace whose token Slack refuses: its prompts wait, pending, until it works again."""

    workspace: str = Field(primary_key=True, max_length=40)  # the Slack team id
    error: str = Field(max_length=100)
    since: datetime = utc_field()
    checked_at: datetime = utc_field()


class FeedSubscription(SQLModel, table=True):
    """A board's calendar feed, re-read by the clock; its meetings follow the feed."""

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", unique=True)
    url: str = Field(max_length=500)
    match: str = Field(default="", max_length=200)  # only events whose summary contains this
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    refresh_seconds: int | None = None  # the feed's own REFRESH-INTERVAL or X-PUBLISHED-TTL
    next_refresh_at: datetime = utc_field(index=True)
    consecutive_failures: int = 0
    last_error: str | None = Field(default=None, max_length=300)
    last_result: str | None = Field(default=None, max_length=300)
    last_checked_at: datetime | None = utc_field(nullable=True)
    last_read_at: datetime | None = utc_field(nullable=True)  # the last read that succeeded
    created_by: str = Field(max_length=40)
    created_at: datetime = utc_field()


class CalendarToken(SQLModel, table=True):
    """The unguessable address of a partnership's (or one board's) calendar; deleted to revoke."""

    __table_args__ = (UniqueConstraint("partnership_id", "board_key"),)
    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    board_key: str = Field(default="", max_length=60)  # "" for the whole partnership
    token: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=40)
    created_at: datetime = utc_field()


class TrackerCanvas(SQLModel, table=True):
    """One digest channel's canvas. `creating`: a create was claimed (at `claimed_at`) and its
    outcome is not known yet, so the channel's canvas is looked up before any other create."""

    channel: str = Field(primary_key=True, max_length=40)
    canvas_id: str | None = Field(default=None, max_length=40)
    content_hash: str | None = Field(default=None, max_length=64)  # sha256 of what it shows
    inputs: str | None = Field(default=None, max_length=200)  # what that content was made from
    creating: bool = False
    claimed_at: datetime | None = utc_field(nullable=True)
    off_reason: str | None = Field(default=None, max_length=100)  # Slack's error, once
    off_since: datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=300)  # a failure retried next tick
    refreshed_at: datetime | None = utc_field(nullable=True)
