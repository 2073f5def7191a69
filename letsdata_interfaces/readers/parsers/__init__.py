"""LetsData interfaces: readers.parsers (import classes from their modules)."""
