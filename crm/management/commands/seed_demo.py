"""Fill an empty database with a deterministic demo data set and the demo accounts."""

import datetime
import random
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from crm.demo_framework import DEMO_PASSWORD, DemoContext
from crm.models import Organisation


def demo_modules() -> list[ModuleType]:
    """Every installed app's ``demo`` module, each after the ones it builds on.

    Discovered from the app registry (crm names no app above it). A module declares the
    apps whose demo data it needs in ``RUNS_AFTER`` (labels); the order of INSTALLED_APPS
    carries no meaning, ties are broken by label so the data set stays deterministic.
    """
    found: dict[str, ModuleType] = {}
    for app_config in apps.get_app_configs():
        try:
            found[app_config.label] = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
    ordered: list[ModuleType] = []
    done: set[str] = set()

    def visit(label: str, path: tuple[str, ...]) -> None:
        if label in done:
            return
        if label in path:
            raise CommandError(f"Demo modules depend on each other in a cycle: {path}")
        for needed in sorted(getattr(found[label], "RUNS_AFTER", ())):
            if needed in found:
                visit(needed, (*path, label))
        done.add(label)
        ordered.append(found[label])

    for label in sorted(found):
        visit(label, ())
    return ordered


class Command(BaseCommand):
    help = "Create the demo data set (deterministic for a given --seed) and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="reference date YYYY-MM-DD (default: today); fixes dates for reproducibility",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but list the accounts) when the database already holds data",
        )
        for module in demo_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **options):
        if Organisation.objects.exists():
            if not options["if_empty"]:
                raise CommandError(
                    "The database already holds organisations: seed_demo fills an empty "
                    "database only (use --if-empty to skip quietly)."
                )
            self.stdout.write("Demo data already present: nothing created.")
            self._print_accounts(self._existing_accounts())
            return
        ctx = DemoContext(
            rng=random.Random(options["seed"]),
            today=options["today"] or timezone.localdate(),
            options=options,
        )
        with transaction.atomic():
            for module in demo_modules():
                module.seed(ctx)
                self.stdout.write(f"  {module.__name__}: done")
        self._print_accounts([(a.username, a.description) for a in ctx.accounts])

    def _existing_accounts(self):
        from crm.demo import demo_account_descriptions

        return demo_account_descriptions()

    def _print_accounts(self, accounts) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {DEMO_PASSWORD}):"))
        for username, description in accounts:
            self.stdout.write(f"  {username:<22} {description}")
