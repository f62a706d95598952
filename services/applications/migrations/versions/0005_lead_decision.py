"""lead: the standard an application claims to lead, and the reviewer's decision when
another enterprise claims to lead it too

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("application", sa.Column("policy_version", sa.String(length=40), nullable=True))
    op.add_column("application", sa.Column("lead_key", sa.String(length=300), nullable=True))
    op.add_column("application", sa.Column("lead_decision", sa.String(length=20), nullable=True))
    op.create_index(op.f("ix_application_lead_key"), "application", ["lead_key"])
    op.execute(
        "UPDATE application SET policy_version = funding_round.policy_version "
        "FROM funding_round WHERE funding_round.id = application.round_id"
    )
    # lead_key is computed from the claim by the policy's rules, in Python: applications
    # projected before it get theirs from `qsfund-applications rebuild`.


def downgrade() -> None:
    op.drop_index(op.f("ix_application_lead_key"), table_name="application")
    op.drop_column("application", "lead_decision")
    op.drop_column("application", "lead_key")
    op.drop_column("application", "policy_version")
