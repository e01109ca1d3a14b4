"""organisations.name_genitive: the name as a printed letter needs it («Администрация Лицея «Вектор»»)

Existing rows stay NULL: the letters compute the genitive on the fly for them
(bot/services/programmes/genitive.py), so this migration does not depend on the morphology
dictionary's version and an old organisation's letters read right at once. New organisations
store what their creator confirmed or typed.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 19:30:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_genitive', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('name_genitive')
