"""The rate limit's shared counts as every service's migration makes them
(shared/http/rate_limits.py says why): one definition, so the services' tables are alike."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.http.rate_limits import TABLE


def create_rate_limit_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window"),
    )


def drop_rate_limit_table() -> None:
    op.drop_table(TABLE)
