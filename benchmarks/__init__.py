"""Benchmarks: ``python -m benchmarks`` prints speed and memory figures (not timed tests)."""
