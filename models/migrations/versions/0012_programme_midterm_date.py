"""programme midterm survey date

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-22 01:45:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('midterm_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_column('midterm_on')
