"""Notification rules: which events an applicant hears of, and what they say. No I/O."""
