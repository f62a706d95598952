"""What the auditor checks, over events already read: no I/O here."""
