"""The register service: the district's enterprise register, loaded by the municipal
platform, and the industry classification its rows are coded in."""

from importlib.resources import files

# Its Alembic migrations, for whoever migrates its database (`qsfund-migrate`).
MIGRATIONS = files(__name__) / "migrations"
