"""reallocation: how many times each round was allocated, and by which allocation each
outcome was decided

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rounds allocated before re-allocation existed were allocated once.
    op.add_column(
        "scoring_round",
        sa.Column("allocation", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute("UPDATE scoring_round SET allocation = 1 WHERE allocated_at IS NOT NULL")
    op.add_column(
        "allocation_outcome",
        sa.Column("allocation", sa.Integer(), server_default="1", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("allocation_outcome", "allocation")
    op.drop_column("scoring_round", "allocation")
