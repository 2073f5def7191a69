"""LetsData interfaces: readers.dynamodb (import classes from their modules)."""
