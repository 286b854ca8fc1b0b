"""Webhook worker: deliver due outbox rows. ``--once`` (default) or ``--loop``."""

import time

from django.core.management.base import BaseCommand

from api import services


class Command(BaseCommand):
    help = "Deliver due webhook events (several workers may run: rows are locked, skipped)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="one pass, then exit (default)")
        mode.add_argument("--loop", action="store_true", help="run until interrupted")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes")

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
