"""`make demo`: one funding round driven end to end through the applications API."""
