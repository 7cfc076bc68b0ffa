"""each partnership belongs to one Slack workspace: its team id (and Enterprise Grid org)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

Two nullable columns; every partnership stays. Existing partnerships are assigned to the
workspace `boardbot db upgrade` was given: `--team T…`, else the team of SLACK_BOT_TOKEN
(auth.test). Without either they stay unassigned until `boardbot setup apply` names their
workspace. Downgrading drops the columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
TEAM = "boardbot_team"  # the Alembic config attribute storage/migrate.py sets


def upgrade() -> None:
    with op.batch_alter_table("partnership") as batch:
        batch.add_column(sa.Column("team_id", Text(length=40), nullable=True))
        batch.add_column(sa.Column("enterprise_id", Text(length=40), nullable=True))
        batch.create_index("ix_partnership_team_id", ["team_id"], unique=False)
    team = op.get_context().config.attributes.get(TEAM) if op.get_context().config else None
    if team:
        partnership = sa.table("partnership", sa.column("team_id", sa.String))
        op.execute(partnership.update().where(partnership.c.team_id.is_(None)).values(team_id=team))


def downgrade() -> None:
    with op.batch_alter_table("partnership") as batch:
        batch.drop_index("ix_partnership_team_id")
        batch.drop_column("enterprise_id")
        batch.drop_column("team_id")
