"""read_log: who read which confidential fields of which record (issue 19, item 1),
append-only for every role

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:30:00
"""

from collections.abc import Sequence

from shared.read_log_migration import create_read_log, drop_read_log

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_read_log()


def downgrade() -> None:
    drop_read_log()
