"""Write (or check) docs/case_workflow.dot, the case workflow generated from the code."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from transmission.diagram import DIAGRAM_PATH, workflow_dot


class Command(BaseCommand):
    help = "Write docs/case_workflow.dot from the case transitions (--check: compare only)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / DIAGRAM_PATH
        text = workflow_dot()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DIAGRAM_PATH} is stale: run manage.py workflow_diagram")
            self.stdout.write(f"{DIAGRAM_PATH} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DIAGRAM_PATH}")
