"""Payments: final awards paid by the district finance bureau, and recovered when revoked."""

from importlib.resources import files

# Its Alembic migrations, for whoever migrates its database (`qsfund-migrate`).
MIGRATIONS = files(__name__) / "migrations"
