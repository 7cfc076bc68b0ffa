"""the day each partnership started using boardbot: what closed before it is not overdue

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

Two columns on partnership: started_on (a London day) and started_on_given (set by
`boardbot setup apply --since`). An existing partnership starts on the London day it was first
bound, from its audit trail (the first channel linked, role added or setup applied), else the day
it was loaded. No record changes otherwise. Downgrading drops both columns; every occurrence
stays, and those that closed before the start read as overdue again.
"""

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LONDON = ZoneInfo("Europe/London")
BINDING = ("setup.applied", "board.channel_linked", "board.role_added")
When = storage.types.UTCDateTime

partnership = sa.table(
    "partnership",
    sa.column("id", sa.Integer),
    sa.column("loaded_at", When()),
    sa.column("started_on", sa.Date),
)
audit = sa.table(
    "auditentry",
    sa.column("at", When()),
    sa.column("action", sa.String),
    sa.column("partnership_id", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("started_on_given", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    first_bound = dict(
        connection.execute(
            sa.select(audit.c.partnership_id, sa.func.min(audit.c.at))
            .where(audit.c.action.in_(BINDING), audit.c.partnership_id.is_not(None))
            .group_by(audit.c.partnership_id)
        ).all()
    )
    for pid, loaded_at in connection.execute(sa.select(partnership.c.id, partnership.c.loaded_at)):
        start = _london_day(first_bound.get(pid) or loaded_at)
        connection.execute(
            partnership.update().where(partnership.c.id == pid).values(started_on=start)
        )


def _london_day(moment: datetime | str) -> date:
    """SQLite gives min() of a column as text; PostgreSQL as an aware datetime."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LONDON).date()


def downgrade() -> None:
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_column("started_on_given")
        batch_op.drop_column("started_on")
