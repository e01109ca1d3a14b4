"""programme: days before the end when the final surveys are sent

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 03:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_surveys_days', sa.Integer(), server_default='7',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_column('final_surveys_days')
