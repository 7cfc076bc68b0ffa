"""escalation ladders retire like boards and duties

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

A ladder a protocol no longer has is retired (retired_at set), not deleted: the escalations
opened on it keep it. Every ladder already stored is in force (retired_at empty). Downgrading
drops the column; the ladders stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ladder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retired_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ladder", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
