"""a board is a body that one or more partnerships name: the body table and board.body_id

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

Every existing board becomes its own body (the body takes the board's id), so no board is
shared until a setup file binds a second partnership's board to its channel. Downgrading drops
the column and the table; the boards, their channels and their people stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "body", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id")
    )
    op.execute("INSERT INTO body (id) SELECT id FROM board")
    if op.get_bind().dialect.name == "postgresql":
        # The ids were given, not drawn: the sequence continues after the largest.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('body', 'id'),"
            " COALESCE((SELECT MAX(id) FROM body), 0) + 1, false)"
        )
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
    op.execute("UPDATE board SET body_id = id")
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.alter_column("body_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_board_body_id"), ["body_id"], unique=False)
        batch_op.create_foreign_key("board_body_id_fkey", "body", ["body_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_constraint("board_body_id_fkey", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_board_body_id"))
        batch_op.drop_column("body_id")
    op.drop_table("body")
