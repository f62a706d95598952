"""Settings that lift the limits per caller (shared/http/rate_limits.py) for stacks whose
tests make thousands of requests with a few tokens and poll the probes: the limits are
attacked by tests of their own (tests/integration/test_rate_limits.py)."""

UNTHROTTLED = {
    "QSFUND_RATE_LIMIT_PER_SUBJECT": "1000000",
    "QSFUND_RATE_LIMIT_PER_ADDRESS": "1000000",
}
