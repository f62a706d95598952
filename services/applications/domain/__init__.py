"""The applications service's rules: rounds, intake, review. No I/O here."""
