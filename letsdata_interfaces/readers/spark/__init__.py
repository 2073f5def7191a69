"""LetsData interfaces: readers.spark (import classes from their modules)."""
