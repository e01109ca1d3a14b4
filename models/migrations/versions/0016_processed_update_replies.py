"""processed updates: the replies an update still owes Telegram after its commit

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 15:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('processed_updates') as batch_op:
        batch_op.add_column(sa.Column('replies', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_updates') as batch_op:
        batch_op.drop_column('replies')
