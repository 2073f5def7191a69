"""Checks that the benchmark sections measure what they claim (not timings)."""
