"""report_application.industry_code: the filing's industry in GB/T 4754-2017, which
policies from 2026.4 match their priority industries against (as scoring does)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filings made before the field existed have none ("", as every text fact starts).
    op.add_column(
        "report_application",
        sa.Column("industry_code", sa.String(length=6), server_default="", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("report_application", "industry_code")
