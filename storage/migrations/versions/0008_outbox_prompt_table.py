"""the outbox's table is named for what it holds: outboxprompt (was notification)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

"Prompt" is the word for a message the cycle sends and "outbox" for where prompts wait; the
table was called notification. It is renamed with every row, and its indexes (and on
PostgreSQL its sequence and constraints) with it, so that a migrated database matches a new
one. Downgrading renames it back.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("next_attempt_at", "partnership_id", "status")
# PostgreSQL names what a table owns after the table: its id sequence and its constraints.
OWNED = ("id_seq", "pkey", "key_key", "partnership_id_fkey")


def upgrade() -> None:
    rename("notification", "outboxprompt")


def downgrade() -> None:
    rename("outboxprompt", "notification")


def rename(old: str, new: str) -> None:
    op.rename_table(old, new)
    for column in INDEXED:
        op.drop_index(f"ix_{old}_{column}", table_name=new)
        op.create_index(f"ix_{new}_{column}", new, [column], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
        for suffix in OWNED[1:]:
            op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_{suffix} TO {new}_{suffix}")
