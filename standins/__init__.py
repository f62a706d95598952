"""Stand-ins for the systems qsfund talks to but does not own, for the local stack and tests."""
