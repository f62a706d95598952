"""Scoring rules: the reward policy, pricing and scoring a claim, allocating a round. No I/O."""
