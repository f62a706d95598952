"""submitted_via: the municipal platform an application came through, if any

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null for direct submissions and for every application submitted before platforms
    # were recorded; a rebuild from the topics gives the same.
    op.add_column("application", sa.Column("submitted_via", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("application", "submitted_via")
