"""The register service's database: its event store and inbox, the register as its
loads made it (the projection, the same tables every copy of the register keeps), and
the official lists matched to it."""

from shared.db import backbone_tables, new_metadata
from shared.http.rate_limits import rate_limit_table
from shared.register_copy import register_tables

from .list_tables import list_tables

metadata = new_metadata()
backbone = backbone_tables(metadata)
register = register_tables(metadata)
lists = list_tables(metadata)

# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
