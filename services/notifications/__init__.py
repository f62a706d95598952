"""The notifications service: one notification per event per channel."""

from importlib.resources import files

# Its Alembic migrations, for whoever migrates its database (`qsfund-migrate`).
MIGRATIONS = files(__name__) / "migrations"
