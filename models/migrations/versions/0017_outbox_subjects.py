"""outbox subjects: whose personal data a message holds, so /forget can erase it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 10:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'outbox_subjects',
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_outbox_subjects_outbox_id_outbox'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('outbox_id', 'kind', 'subject_id',
                                name=op.f('pk_outbox_subjects')),
    )
    op.create_index('ix_outbox_subjects_kind_subject_id', 'outbox_subjects',
                    ['kind', 'subject_id'])


def downgrade() -> None:
    op.drop_index('ix_outbox_subjects_kind_subject_id', table_name='outbox_subjects')
    op.drop_table('outbox_subjects')
