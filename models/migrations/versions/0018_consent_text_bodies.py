"""consent text bodies: a consent text's words per locale in rows, not one column per language

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 17:00:00

A third language is then a new catalogue and new rows, never a new column. Existing texts move
into the rows (ru, en) and back on downgrade.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_COLUMNS = (('body_ru', 'ru'), ('body_en', 'en'))


def upgrade() -> None:
    op.create_table(
        'consent_text_bodies',
        sa.Column('consent_text_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['consent_text_id'], ['consent_texts.id'],
                                name=op.f('fk_consent_text_bodies_consent_text_id_consent_texts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('consent_text_id', 'locale', name=op.f('pk_consent_text_bodies')),
    )
    for column, locale in OLD_COLUMNS:
        op.execute(f"INSERT INTO consent_text_bodies (consent_text_id, locale, body) "
                   f"SELECT id, '{locale}', {column} FROM consent_texts")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy: recreating
    # consent_texts would cascade into the rows just written and trip consent_records' key.
    for column, _ in OLD_COLUMNS:
        op.drop_column('consent_texts', column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column, locale in OLD_COLUMNS:
        # SQLite adds a NOT NULL column only with a default (kept there: dropping it would mean
        # a batch copy of the table, see upgrade); PostgreSQL gets the exact old column.
        op.add_column('consent_texts', sa.Column(column, sa.Text(), nullable=not sqlite,
                                                 server_default='' if sqlite else None))
        # The locale's words, else the first language's (ru), else any stored.
        op.execute(
            f"UPDATE consent_texts SET {column} = COALESCE("
            f"(SELECT body FROM consent_text_bodies b WHERE b.consent_text_id = consent_texts.id "
            f"AND b.locale = '{locale}'), "
            f"(SELECT body FROM consent_text_bodies b WHERE b.consent_text_id = consent_texts.id "
            f"AND b.locale = 'ru'), "
            f"(SELECT MIN(body) FROM consent_text_bodies b "
            f"WHERE b.consent_text_id = consent_texts.id), '')")
        if not sqlite:
            op.alter_column('consent_texts', column, nullable=False)
    op.drop_table('consent_text_bodies')
