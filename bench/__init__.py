"""Benchmarks and the synthetic-province generator (not tests): see bench/RESULTS.md."""
