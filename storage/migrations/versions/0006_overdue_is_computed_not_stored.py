"""a duty occurrence's stored status is pending, done or waived: overdue is computed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Nothing ever wrote 'overdue' (an occurrence is overdue when it is pending and its due day has
passed), but the column's comment allowed it; any such row becomes 'pending', which is what it
means. Every row is kept. Downgrading changes nothing: 'pending' was always allowed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

occurrence = sa.table("dutyoccurrence", sa.column("status", sa.String))


def upgrade() -> None:
    op.execute(occurrence.update().where(occurrence.c.status == "overdue").values(status="pending"))


def downgrade() -> None:
    pass
