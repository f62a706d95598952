"""rate_limit_count: requests counted per caller and window, shared by the service's
instances (issue 19, item 2)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

from shared.rate_limit_migration import create_rate_limit_table, drop_rate_limit_table

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_rate_limit_table()


def downgrade() -> None:
    drop_rate_limit_table()
