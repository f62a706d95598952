"""award_revocation: awards the payments service revoked, which bar their enterprise
from the program for three years when revoked for false materials

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "award_revocation",
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("document_reference", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_yuan", sa.BigInteger(), nullable=False),
        sa.Column("cancelling", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_award_revocation")),
    )
    op.create_index(op.f("ix_award_revocation_credit_code"), "award_revocation", ["credit_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_award_revocation_credit_code"), table_name="award_revocation")
    op.drop_table("award_revocation")
