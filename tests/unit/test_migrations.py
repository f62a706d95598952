"""Each service's migrations form one line of revisions: two branches written side by
side (each adding its own "next" revision) would stop `qsfund-migrate` at start-up."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from services.operations.cli import MIGRATIONS
from shared.migrations import alembic_config


@pytest.mark.parametrize("service", MIGRATIONS)
def test_the_migrations_have_one_head_and_one_line(service: str) -> None:
    scripts = ScriptDirectory.from_config(
        alembic_config(MIGRATIONS[service], "postgresql://unused")
    )
    assert len(scripts.get_heads()) == 1, scripts.get_heads()
    revisions = list(scripts.walk_revisions())
    assert len({r.revision for r in revisions}) == len(revisions)
    assert sum(1 for r in revisions if r.down_revision is None) == 1
