"""What every service's HTTP API shares: problem+json refusals, the body ceiling, request
limits, and Idempotency-Key."""
