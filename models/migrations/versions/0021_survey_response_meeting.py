"""survey_responses.meeting_id: the meeting a feedback response is about, as an indexed key

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 19:30:00

The figures joined meetings on CAST(substr(context, 9) AS int); without fresh statistics
PostgreSQL chose a nested loop over every response and meeting. The key is backfilled from the
context ("meeting:<id>", the context stays as it is); a context naming no existing meeting
leaves it NULL.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL: a join on the text (no cast of a context that is not a number can fail).
BACKFILL_POSTGRESQL = """
UPDATE survey_responses SET meeting_id = meetings.id FROM meetings
WHERE survey_responses.context LIKE 'meeting:%'
  AND survey_responses.context = 'meeting:' || meetings.id::text
"""
# SQLite: a lookup by the primary key per feedback response (CAST never fails there), checked
# against the whole text so "meeting:12x" names nothing.
BACKFILL_SQLITE = """
UPDATE survey_responses SET meeting_id = (
    SELECT meetings.id FROM meetings
    WHERE meetings.id = CAST(substr(survey_responses.context, 9) AS INTEGER)
      AND 'meeting:' || meetings.id = survey_responses.context)
WHERE context LIKE 'meeting:%'
"""


def upgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_survey_responses_meeting_id_meetings'), 'meetings', ['meeting_id'],
            ['id'], ondelete='SET NULL')
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL_POSTGRESQL if dialect == 'postgresql' else BACKFILL_SQLITE)
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_meeting_id'), ['meeting_id'])


def downgrade() -> None:
    # The context still names the meeting: nothing is lost.
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_meeting_id'))
        batch_op.drop_constraint(batch_op.f('fk_survey_responses_meeting_id_meetings'),
                                 type_='foreignkey')
        batch_op.drop_column('meeting_id')
