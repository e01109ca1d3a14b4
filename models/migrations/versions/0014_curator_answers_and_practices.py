"""curator survey answers on survey_responses; practice marks

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 03:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.alter_column('participation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_survey_responses_user_id_users'), 'users', ['user_id'], ['id'],
            ondelete='CASCADE')
        batch_op.create_foreign_key(
            batch_op.f('fk_survey_responses_programme_id_programmes'), 'programmes',
            ['programme_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_survey_responses_user_id'), ['user_id'])
        batch_op.create_index(batch_op.f('ix_survey_responses_programme_id'), ['programme_id'])
        batch_op.create_unique_constraint(
            batch_op.f('uq_survey_responses_user_id_survey_id_context'),
            ['user_id', 'survey_id', 'context'])
        batch_op.create_check_constraint(
            'ck_survey_responses_owner', 'participation_id IS NOT NULL OR user_id IS NOT NULL')
    op.create_table(
        'practice_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('marked_by_user_id', sa.Integer(), nullable=True),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['marked_by_user_id'], ['users.id'],
                                name=op.f('fk_practice_marks_marked_by_user_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name=op.f('fk_practice_marks_programme_id_programmes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'],
                                name=op.f('fk_practice_marks_response_id_survey_responses'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_marks')),
        sa.UniqueConstraint('response_id', name=op.f('uq_practice_marks_response_id')),
    )
    with op.batch_alter_table('practice_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_marks_programme_id'), ['programme_id'])


def downgrade() -> None:
    with op.batch_alter_table('practice_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_marks_programme_id'))
    op.drop_table('practice_marks')
    # Curators' answers have no participation to live on in the older schema.
    op.execute('DELETE FROM survey_responses WHERE participation_id IS NULL')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_constraint('ck_survey_responses_owner', type_='check')
        batch_op.drop_constraint(
            batch_op.f('uq_survey_responses_user_id_survey_id_context'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_survey_responses_programme_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_user_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_survey_responses_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_survey_responses_user_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('programme_id')
        batch_op.drop_column('user_id')
        batch_op.alter_column('participation_id', existing_type=sa.Integer(), nullable=False)
