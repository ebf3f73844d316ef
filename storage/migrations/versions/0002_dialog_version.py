"""a version on each dialog state, for steps that write it without holding a lock

Revision ID: 0002
Revises: reports_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "reports_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.drop_column("version")
