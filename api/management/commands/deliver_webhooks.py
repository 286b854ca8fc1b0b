"""The webhook sweep: attempt due outbox rows. ``--once`` (default) or ``--loop``.

Each new delivery and each scheduled retry is a task run by ``db_worker``; this sweep catches
what no task will: rows whose worker died mid-delivery (expired lease) and rows whose task
was never queued or was lost. ``make run`` starts it beside the worker.
"""

import time

from django.core.management.base import BaseCommand

from api import services


class Command(BaseCommand):
    help = (
        "Deliver due webhook events: retries, expired leases, lost tasks "
        "(several sweeps and workers may run: each row is claimed by one)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="one pass, then exit (default)")
        mode.add_argument("--loop", action="store_true", help="run until interrupted")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes")

    def handle(self, *args, **options):
        if not options["loop"]:
            attempts = services.webhook_deliver_due()
            self.stdout.write(f"{attempts} delivery attempt(s)")
            return
        try:
            while True:
                attempts = services.webhook_deliver_due()
                if attempts:
                    self.stdout.write(f"{attempts} delivery attempt(s)")
                else:
                    time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("stopped")
