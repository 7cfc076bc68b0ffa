"""a joint meeting's attendee roles get a column of their own

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

They were kept inside the duty's schedule JSON, which is the protocol's schedule model; this
moves them out, and back again on downgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

duty = sa.table(
    "duty",
    sa.column("id", sa.Integer),
    sa.column("schedule", sa.JSON),
    sa.column("attendee_roles", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("duty", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendee_roles", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row in connection.execute(sa.select(duty.c.id, duty.c.schedule)).all():
        schedule = dict(row.schedule or {})
        roles = schedule.pop("attendee_roles", [])
        connection.execute(
            duty.update().where(duty.c.id == row.id).values(schedule=schedule, attendee_roles=roles)
        )
    with op.batch_alter_table("duty", schema=None) as batch_op:
        batch_op.alter_column("attendee_roles", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(duty.c.id, duty.c.schedule, duty.c.attendee_roles)
    ).all():
        schedule = dict(row.schedule or {})
        if row.attendee_roles:
            schedule["attendee_roles"] = row.attendee_roles
        connection.execute(duty.update().where(duty.c.id == row.id).values(schedule=schedule))
    with op.batch_alter_table("duty", schema=None) as batch_op:
        batch_op.drop_column("attendee_roles")
