"""LetsData interfaces: readers.sagemaker (import classes from their modules)."""
