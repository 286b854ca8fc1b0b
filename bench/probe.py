"""One dashboard page timed in a fresh process: ``python -m bench.probe SLUG`` (B6).

Run with ``BENCH_DATABASE_URL`` pointing at the database of either scale; prints one JSON
line with the seconds and the peak Python memory of one request."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from bench.benchmarks import page_probe  # noqa: E402

print(json.dumps(page_probe(sys.argv[1])))
