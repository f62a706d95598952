"""recipient: drop webhook_url, written from filings and never read since platforms
register their webhooks (the events keep contact.webhook_url as filed)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_column("recipient", "webhook_url")


def downgrade() -> None:
    op.add_column("recipient", sa.Column("webhook_url", sa.String(length=2000), nullable=True))
