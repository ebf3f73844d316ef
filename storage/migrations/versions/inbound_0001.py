"""the reason an inbound event that could not be read was set aside

Revision ID: inbound_0001
Revises: events_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inbound_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_column("failed_reason")
