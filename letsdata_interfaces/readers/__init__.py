"""LetsData interfaces: readers (import classes from their modules)."""
