"""one minute share per board and meeting day

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("minuteshare", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_minuteshare_board_day", ["board_id", "meeting_on"])


def downgrade() -> None:
    with op.batch_alter_table("minuteshare", schema=None) as batch_op:
        batch_op.drop_constraint("uq_minuteshare_board_day", type_="unique")
