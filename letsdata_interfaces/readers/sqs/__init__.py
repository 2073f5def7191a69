"""LetsData interfaces: readers.sqs (import classes from their modules)."""
