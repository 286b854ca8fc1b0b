from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs) -> None:
    from crm.services import role_groups_sync

    role_groups_sync()


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Contacts and territories")

    def ready(self) -> None:
        # Groups follow the permissions every app declares. post_migrate fires once per app,
        # after auth has created that app's permissions, so the last call sees them all.
        post_migrate.connect(_sync_role_groups, dispatch_uid="crm.role_groups_sync")
        from crm import reference_cache

        reference_cache.connect_signals()
        # The SQLite function the history triggers ask before refusing an update, and the
        # receiver marking a fresh login's session as just refreshed (crm.security).
        from crm import redaction, security  # noqa: F401
