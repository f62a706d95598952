"""allocation history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:29:48.915119
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # What highest-level-only and the annual cap need to see of earlier rounds.
    op.add_column("scoring_round", sa.Column("year", sa.Integer(), nullable=True))
    op.add_column("scoring_round", sa.Column("closed_event_id", sa.Uuid(), nullable=True))
    # Allocation waits until scoring has seen each application as far as the closing did.
    op.add_column(
        "scoring_round",
        sa.Column("application_versions", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "claim", sa.Column("seen_version", sa.Integer(), server_default="0", nullable=False)
    )
    for name, column_type in (
        ("year", sa.Integer()),
        ("credit_code", sa.String(length=18)),
        ("achievement_key", sa.String(length=300)),
    ):
        op.add_column("allocation_outcome", sa.Column(name, column_type, nullable=True))
    # Achievement keys now name the enterprise: one achievement is one enterprise's.
    op.execute(
        """
        UPDATE claim SET achievement_key = credit_code || '/' || achievement_key
        WHERE achievement_key IS NOT NULL AND achievement_key NOT LIKE '%/%'
        """
    )
    # Rows allocated before this revision: their claim knows the enterprise and the
    # achievement; their round's year was not recorded, so the closing date stands in.
    op.execute(
        """
        UPDATE scoring_round SET year = EXTRACT(YEAR FROM closed_at)::int
        WHERE year IS NULL AND closed_at IS NOT NULL
        """
    )
    op.execute(
        """
        UPDATE allocation_outcome o
        SET credit_code = c.credit_code,
            achievement_key = c.credit_code || '/' || COALESCE(c.achievement_key, o.application_id),
            year = r.year
        FROM claim c, scoring_round r
        WHERE c.application_id = o.application_id AND r.round_id = o.round_id
        """
    )
    for name in ("year", "credit_code", "achievement_key"):
        op.alter_column("allocation_outcome", name, nullable=False)
        op.create_index(op.f(f"ix_allocation_outcome_{name}"), "allocation_outcome", [name])


def downgrade() -> None:
    for name in ("year", "credit_code", "achievement_key"):
        op.drop_index(op.f(f"ix_allocation_outcome_{name}"), table_name="allocation_outcome")
        op.drop_column("allocation_outcome", name)
    op.drop_column("claim", "seen_version")
    op.drop_column("scoring_round", "application_versions")
    op.drop_column("scoring_round", "closed_event_id")
    op.drop_column("scoring_round", "year")
