"""regions: regional centres, organisations, coordinators, links, snapshots of figures

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 17:00:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'regions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    )
    op.create_table(
        'region_organisations',
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_region_organisations_region_id_regions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_region_organisations_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('region_id', 'organisation_id',
                                name=op.f('pk_region_organisations')),
    )
    op.create_index(op.f('ix_region_organisations_organisation_id'), 'region_organisations',
                    ['organisation_id'])
    op.create_table(
        'region_coordinators',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('digest_weekday', sa.Integer(), nullable=False),
        sa.Column('digest_time', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_region_coordinators_region_id_regions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_region_coordinators_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_region_coordinators')),
        sa.UniqueConstraint('region_id', 'user_id',
                            name=op.f('uq_region_coordinators_region_id_user_id')),
    )
    op.create_index(op.f('ix_region_coordinators_user_id'), 'region_coordinators', ['user_id'])
    op.create_table(
        'region_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('max_uses', sa.Integer(), nullable=False),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_region_invitations_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_region_invitations')),
        sa.UniqueConstraint('token', name=op.f('uq_region_invitations_token')),
    )
    op.create_table(
        'region_snapshots',
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_region_snapshots_region_id_regions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('region_id', name=op.f('pk_region_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('region_snapshots')
    op.drop_table('region_invitations')
    op.drop_index(op.f('ix_region_coordinators_user_id'), table_name='region_coordinators')
    op.drop_table('region_coordinators')
    op.drop_index(op.f('ix_region_organisations_organisation_id'),
                  table_name='region_organisations')
    op.drop_table('region_organisations')
    op.drop_table('regions')
