"""`Idempotency-Key` on the POST routes, as every service takes it (shared.http)."""

from shared.http.idempotency import IdempotencyKey

__all__ = ["IdempotencyKey"]
