"""LetsData interfaces: documents (import classes from their modules)."""
