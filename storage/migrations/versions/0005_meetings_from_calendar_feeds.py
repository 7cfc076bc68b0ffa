"""meetings read from calendar feeds, feed subscriptions and exported calendars' tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Every meeting already stored was typed by hand: it becomes origin 'hand', with a time (not all
day) and sequence 0. Downgrading drops the feed columns and the two tables; meetings stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = storage.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("all_day", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("origin", Text(length=10), nullable=False, server_default="hand")
        )
        batch_op.add_column(sa.Column("feed_uid", Text(length=255), nullable=True))
        batch_op.add_column(sa.Column("feed_recurrence", Text(length=40), nullable=True))
        batch_op.add_column(sa.Column("feed_source", Text(length=500), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("changed_at", When(timezone=True), nullable=True))
        batch_op.create_unique_constraint(
            "uq_meeting_feed_event", ["board_id", "feed_uid", "feed_recurrence"]
        )
    # The defaults were for the rows already there; the models give new rows their values.
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column("all_day", server_default=None, existing_type=sa.Boolean())
        batch_op.alter_column("origin", server_default=None, existing_type=Text(length=10))
        batch_op.alter_column("sequence", server_default=None, existing_type=sa.Integer())
    create_feed_subscription()
    create_calendar_token()


def create_feed_subscription() -> None:
    op.create_table(
        "feedsubscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("url", Text(length=500), nullable=False),
        sa.Column("match", Text(length=200), nullable=False),
        sa.Column("etag", Text(length=300), nullable=True),
        sa.Column("last_modified", Text(length=100), nullable=True),
        sa.Column("refresh_seconds", sa.Integer(), nullable=True),
        sa.Column("next_refresh_at", When(timezone=True), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", Text(length=300), nullable=True),
        sa.Column("last_result", Text(length=300), nullable=True),
        sa.Column("last_checked_at", When(timezone=True), nullable=True),
        sa.Column("last_read_at", When(timezone=True), nullable=True),
        sa.Column("created_by", Text(length=40), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("board_id"),
    )
    with op.batch_alter_table("feedsubscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedsubscription_next_refresh_at"), ["next_refresh_at"], unique=False
        )


def create_calendar_token() -> None:
    op.create_table(
        "calendartoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("board_key", Text(length=60), nullable=False),
        sa.Column("token", Text(length=64), nullable=False),
        sa.Column("created_by", Text(length=40), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "board_key"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("calendartoken", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendartoken_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calendartoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendartoken_partnership_id"))
    op.drop_table("calendartoken")
    with op.batch_alter_table("feedsubscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedsubscription_next_refresh_at"))
    op.drop_table("feedsubscription")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meeting_feed_event", type_="unique")
        for column in (
            "changed_at", "sequence", "feed_source", "feed_recurrence", "feed_uid", "origin",
            "all_day",
        ):  # fmt: skip
            batch_op.drop_column(column)
