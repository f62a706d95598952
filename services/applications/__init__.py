"""The applications service: rounds, intake, review; the status every reader sees."""

from importlib.resources import files

# Its Alembic migrations, for whoever migrates its database (`qsfund-migrate`).
MIGRATIONS = files(__name__) / "migrations"
