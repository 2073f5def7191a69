"""Benchmarks printed by ``make bench``; every ``bench/bench_*.py`` module is one section."""
