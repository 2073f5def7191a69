"""LetsData interfaces: readers.model (import classes from their modules)."""
