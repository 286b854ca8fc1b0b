"""Benchmarks (not tests): data generation at scale and timings as ratios to a baseline
measured in the same run. ``python -m bench --scale 10k|100k``; see bench/RESULTS.md."""
