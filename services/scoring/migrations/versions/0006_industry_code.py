"""claim.industry_code: the filing's industry in GB/T 4754-2017, which policies from
2026.4 match their priority industries against

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Claims filed before the field existed have none: they are priced as they were.
    op.add_column("claim", sa.Column("industry_code", sa.String(length=6), nullable=True))


def downgrade() -> None:
    op.drop_column("claim", "industry_code")
