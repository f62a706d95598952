"""The scoring service: scores eligible applications, allocates closed rounds."""

from importlib.resources import files

# Its Alembic migrations, for whoever migrates its database (`qsfund-migrate`).
MIGRATIONS = files(__name__) / "migrations"
