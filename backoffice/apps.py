from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("back office")

    def ready(self) -> None:
        from backoffice.search_text import register_sqlite_unaccent

        # PostgreSQL has the unaccent extension (migration 0001); SQLite gets the same
        # function name in Python, so one query serves both.
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="backoffice-unaccent")
