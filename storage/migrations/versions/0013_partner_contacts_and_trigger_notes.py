"""the people who hear for each partner that is not a board; a triggered occurrence's note

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

A new table and a new nullable column; no existing record changes. Downgrading drops both: the
partners' people are set again by applying the setup file.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "partnercontact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("partner_key", Text(length=60), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "partner_key", "person_id"),
    )
    op.create_index(op.f("ix_partnercontact_partnership_id"), "partnercontact", ["partnership_id"])
    op.create_index(op.f("ix_partnercontact_person_id"), "partnercontact", ["person_id"])
    with op.batch_alter_table("dutyoccurrence") as batch:
        batch.add_column(sa.Column("trigger_note", Text(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dutyoccurrence") as batch:
        batch.drop_column("trigger_note")
    op.drop_index(op.f("ix_partnercontact_person_id"), table_name="partnercontact")
    op.drop_index(op.f("ix_partnercontact_partnership_id"), table_name="partnercontact")
    op.drop_table("partnercontact")
