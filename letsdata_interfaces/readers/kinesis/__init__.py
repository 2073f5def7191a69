"""LetsData interfaces: readers.kinesis (import classes from their modules)."""
