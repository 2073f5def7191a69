"""Tests of the example LetsData implementations, loaded the way user code is loaded."""
