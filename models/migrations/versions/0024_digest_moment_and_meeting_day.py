"""the digest's first moment and last week; meetings logged without a time

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-05 19:30:00

- programmes.digest_since: the weekly digest is due only at moments from here on (set when a
  curator chat is bound or the day and time change).
- programmes.digest_week: the ISO week whose weekly digest was queued last.
- meetings.time_given: False when only the day is known (logged without a time). Meetings
  logged before this revision that were never planned had no time given: they get False.

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programmes') as batch_op:
        batch_op.add_column(sa.Column('digest_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('digest_week', sa.String(length=10), nullable=True))
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.add_column(sa.Column('time_given', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    meetings = sa.table('meetings', sa.column('time_given', sa.Boolean()),
                        sa.column('proposed_by', sa.Integer()),
                        sa.column('logged_at', sa.DateTime(timezone=True)))
    op.execute(meetings.update()
               .where(meetings.c.proposed_by.is_(None), meetings.c.logged_at.is_not(None))
               .values(time_given=False))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.drop_column('time_given')
    with op.batch_alter_table('programmes') as batch_op:
        batch_op.drop_column('digest_week')
        batch_op.drop_column('digest_since')
