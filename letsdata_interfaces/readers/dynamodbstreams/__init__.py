"""LetsData interfaces: readers.dynamodbstreams (import classes from their modules)."""
