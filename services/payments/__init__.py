"""Payments: final awards paid by the district finance bureau, and recovered when revoked."""
