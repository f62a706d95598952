"""Benchmarks: figures next to their ceilings, measured in one run on one machine."""
