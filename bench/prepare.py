"""``python -m bench.prepare CASES``: migrate the database of ``BENCH_DATABASE_URL`` and fill
it with CASES cases (the small database of B6 is prepared by this, in parallel);
``python -m bench.prepare --migrate-only``: bring a kept database to the current schema
(and its planner statistics up to date)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from bench import data  # noqa: E402

data.prepare_schema()
if sys.argv[1] == "--migrate-only":
    data.analyze()
    sys.exit(0)
fixtures = data.generate(int(sys.argv[1]))
print(f"small database: {fixtures.cases:,} cases, {fixtures.stage_changes:,} history rows")
