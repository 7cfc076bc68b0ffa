"""a table for each digest channel's tracker canvas: its id, what it last showed, or why it is off

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-16

A new table only; no existing record changes. Downgrading drops it: the canvases stay in Slack,
and boardbot finds each channel's canvas again (conversations.info) before making another.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = storage.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "trackercanvas",
        sa.Column("channel", Text(length=40), nullable=False),
        sa.Column("canvas_id", Text(length=40), nullable=True),
        sa.Column("content_hash", Text(length=64), nullable=True),
        sa.Column("inputs", Text(length=200), nullable=True),
        sa.Column("creating", sa.Boolean(), nullable=False),
        sa.Column("claimed_at", When(timezone=True), nullable=True),
        sa.Column("off_reason", Text(length=100), nullable=True),
        sa.Column("off_since", When(timezone=True), nullable=True),
        sa.Column("last_error", Text(length=300), nullable=True),
        sa.Column("refreshed_at", When(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel"),
    )


def downgrade() -> None:
    op.drop_table("trackercanvas")
