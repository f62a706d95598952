"""payment tranche: what a payment's outcome is told with (never the account number)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_tranche",
        sa.Column("instruction_id", sa.String(length=60), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("tranche", sa.SmallInteger(), nullable=False),
        sa.Column("tranches", sa.SmallInteger(), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=False),
        sa.Column("account_last_four", sa.String(length=4), nullable=False),
        sa.PrimaryKeyConstraint("instruction_id", name=op.f("pk_payment_tranche")),
    )


def downgrade() -> None:
    op.drop_table("payment_tranche")
