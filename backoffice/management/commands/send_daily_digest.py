"""Send each officer and director the e-mail of what is due today (run once a day, e.g. cron)."""

from django.core.management.base import BaseCommand

from backoffice.services import daily_digest_send


class Command(BaseCommand):
    help = "E-mail each officer and director their tasks and next actions due or overdue."

    def handle(self, *args, **options):
        sent = daily_digest_send()
        self.stdout.write(f"{sent} e-mail(s) sent.")
