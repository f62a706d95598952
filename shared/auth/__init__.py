"""Who is calling and what they may do: bearer tokens verified against the issuer's keys,
one role per token, and the authorization matrix every service enforces. Kept empty so
that the pure parts (principal, matrix) import without FastAPI or joserfc."""
