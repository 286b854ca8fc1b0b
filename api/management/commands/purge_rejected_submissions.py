"""Delete rejected submissions older than RELEVE_API_REJECTED_RETENTION_DAYS (30), and
expired idempotency keys (24 h). Run daily."""

from django.core.management.base import BaseCommand

from api import services


class Command(BaseCommand):
    help = "Delete rejected submissions past their retention and expired idempotency keys."

    def handle(self, *args, **options):
        rejected = services.rejected_submissions_purge()
        keys = services.idempotency_records_purge()
        self.stdout.write(f"{rejected} rejected submission(s), {keys} idempotency key(s) deleted")
