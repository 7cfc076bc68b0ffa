"""a prompt's outbox key begins with its partnership's id

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

Two partnerships that share a board send prompts to one channel, and their duty keys and
periods may be alike; the partnership's id in the key keeps the one prompt from being taken for
the other's. Every stored prompt keeps its row, its status and its history; only its key gains
the prefix, so that a prompt already recorded is not recorded again under the new form. A
prompt that is in flight while the migration runs is looked up in its channel by its old key
and may be sent once more. Downgrading takes the prefix off again, except where two rows would
then share a key (the later one keeps its prefix) and a key without the prefix.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE outboxprompt SET key = CAST(partnership_id AS VARCHAR) || '|' || key")


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, partnership_id, key FROM outboxprompt ORDER BY id")
    )
    found = rows.all()
    taken = {key for _, pid, key in found if not key.startswith(f"{pid}|")}
    changes = []
    for row_id, partnership_id, key in found:
        prefix = f"{partnership_id}|"
        old = key.removeprefix(prefix)
        if key.startswith(prefix) and old not in taken:
            taken.add(old)
            changes.append({"id": row_id, "key": old})
    update = sa.text("UPDATE outboxprompt SET key = :key WHERE id = :id")
    for change in changes:
        connection.execute(update, change)
