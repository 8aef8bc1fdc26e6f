"""learning: library, completions, point ledger, partner credits, projections, CL View totals, proofs

Revision ID: lear0002
Revises: lear0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "lear0002"
down_revision = "lear0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activities',
    sa.Column('activity_id', sa.String(length=100), nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('specializations', sa.JSON(), nullable=True),
    sa.Column('explicit_points', sa.Integer(), nullable=True),
    sa.Column('extended_cap', sa.Boolean(), nullable=True),
    sa.Column('mandatory_for', sa.JSON(), nullable=True),
    sa.Column('exam_number', sa.String(length=50), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_activities'))
    )
    op.create_index(op.f('ix_activities_exam_number'), 'activities', ['exam_number'], unique=False)
    op.create_table('aliases',
    sa.Column('retired', sa.String(length=64), nullable=False),
    sa.Column('survivor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('retired', name=op.f('pk_aliases'))
    )
    op.create_index(op.f('ix_aliases_survivor'), 'aliases', ['survivor'], unique=False)
    op.create_table('clview_points',
    sa.Column('be_geo_id', sa.String(length=64), nullable=False),
    sa.Column('specialization', sa.String(length=64), nullable=False),
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('be_geo_id', 'specialization', 'cco_id', name=op.f('pk_clview_points'))
    )
    op.create_index('ix_clview_points_partner_spec_points', 'clview_points', ['be_geo_id', 'specialization', 'points', 'cco_id'], unique=False)
    op.create_table('completions',
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('activity_id', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('external_id', name=op.f('pk_completions'))
    )
    op.create_index(op.f('ix_completions_person'), 'completions', ['person'], unique=False)
    op.create_table('credits',
    sa.Column('be_geo_id', sa.String(length=64), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('activity_id', sa.String(length=100), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('be_geo_id', 'entry_id', name=op.f('pk_credits'))
    )
    op.create_index(op.f('ix_credits_cco_id'), 'credits', ['cco_id'], unique=False)
    op.create_index('ix_credits_entry_id', 'credits', ['entry_id'], unique=False)
    op.create_index('ix_credits_partner_activity', 'credits', ['be_geo_id', 'activity_id'], unique=False)
    op.create_table('entries',
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('earned_by', sa.String(length=64), nullable=False),
    sa.Column('activity_id', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('specializations', sa.JSON(), nullable=False),
    sa.Column('mandatory_for', sa.JSON(), nullable=False),
    sa.Column('voided', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_entries'))
    )
    op.create_index('ix_entries_active_person_activity', 'entries', ['cco_id', 'activity_id'], unique=True, postgresql_where=sa.text('NOT voided'), sqlite_where=sa.text('NOT voided'))
    op.create_index('ix_entries_cco_id', 'entries', ['cco_id'], unique=False)
    op.create_table('entry_specializations',
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('specialization', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('entry_id', 'specialization', name=op.f('pk_entry_specializations'))
    )
    op.create_table('memberships',
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('be_geo_id', sa.String(length=64), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('cco_id', 'be_geo_id', 'started_on', name=op.f('pk_memberships'))
    )
    op.create_index('ix_memberships_be_geo_id', 'memberships', ['be_geo_id'], unique=False)
    op.create_table('people',
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('cco_id', name=op.f('pk_people'))
    )
    op.create_table('periods',
    sa.Column('be_geo_id', sa.String(length=64), nullable=False),
    sa.Column('specialization', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('level', sa.String(length=50), nullable=True),
    sa.Column('anniversary', sa.Date(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('points_required', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('status_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('be_geo_id', 'specialization', name=op.f('pk_periods'))
    )
    op.create_table('proofs',
    sa.Column('proof_id', sa.String(length=36), nullable=False),
    sa.Column('cco_id', sa.String(length=64), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('event', sa.String(length=200), nullable=False),
    sa.Column('activity_id', sa.String(length=100), nullable=False),
    sa.Column('specialization', sa.String(length=64), nullable=False),
    sa.Column('attended_on', sa.Date(), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_as', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entry_id', sa.String(length=36), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('proof_id', name=op.f('pk_proofs'))
    )
    op.create_index(op.f('ix_proofs_cco_id'), 'proofs', ['cco_id'], unique=False)


def downgrade() -> None:
    op.drop_table("proofs")
    op.drop_table("periods")
    op.drop_table("people")
    op.drop_table("memberships")
    op.drop_table("entry_specializations")
    op.drop_table("entries")
    op.drop_table("credits")
    op.drop_table("completions")
    op.drop_table("clview_points")
    op.drop_table("aliases")
    op.drop_table("activities")
