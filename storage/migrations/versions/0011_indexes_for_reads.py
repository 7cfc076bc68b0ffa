"""the boards that asked and escalated are indexed, as the boards asked already are

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

The Home tab and the lists of agenda requests and escalations find a board's records from
either side (`from_board_id` or `to_board_id`); only the second side had an index. Indexes only:
no record changes, and downgrading drops them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [("agendarequest", "from_board_id"), ("escalation", "from_board_id")]


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
