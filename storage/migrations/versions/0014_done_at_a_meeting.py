"""a duty occurrence may name the meeting at which it was done

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

One nullable column on dutyoccurrence, the recorded meeting (of an owner or counterpart board)
that shows the duty was done; every occurrence already stored keeps its evidence link and note
and names no meeting. Downgrading drops the column; every occurrence stays.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_dutyoccurrence_evidence_meeting_id_meeting"


def upgrade() -> None:
    with op.batch_alter_table("dutyoccurrence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_meeting_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FOREIGN_KEY, "meeting", ["evidence_meeting_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("dutyoccurrence", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("evidence_meeting_id")
