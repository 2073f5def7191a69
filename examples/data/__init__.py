"""Sample input files for the examples and the local runtime (see generate_samples.py)."""
