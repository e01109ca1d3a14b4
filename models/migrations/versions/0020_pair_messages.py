"""pair_messages: the counts of the pair's channel (never its content)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 19:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pair_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('sender_role', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['pair_id'], ['pairs.id'],
                                name=op.f('fk_pair_messages_pair_id_pairs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_messages')),
    )
    op.create_index('ix_pair_messages_pair_sent', 'pair_messages', ['pair_id', 'sent_at'])


def downgrade() -> None:
    op.drop_index('ix_pair_messages_pair_sent', table_name='pair_messages')
    op.drop_table('pair_messages')
