"""The applications service's rules: rounds, intake, review. No database or broker here;
opening a round reads the reward policy documents (shared/policy.py)."""
