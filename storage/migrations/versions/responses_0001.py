"""whether a response was entered by the district office on a school's behalf

Revision ID: responses_0001
Revises: web_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "responses_0001"
down_revision = "web_0001"
branch_labels = None
depends_on = None

TABLES = ("responses", "response_revisions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("by_office", sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("by_office")
