"""update journal: polled updates kept until handled

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'update_journal',
        sa.Column('bot_id', sa.BigInteger(), nullable=False),
        sa.Column('update_id', sa.BigInteger(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('bot_id', 'update_id', name=op.f('pk_update_journal')),
    )


def downgrade() -> None:
    op.drop_table('update_journal')
