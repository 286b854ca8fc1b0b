"""Staff roles. A role is held on ``OfficerProfile.role``; groups follow it (see services).

Each app lists the model permissions its roles need in ``<app>/permissions.py`` as
``ROLE_PERMISSIONS = {Role.X: ["app_label.codename", ...]}``; ``role_groups_sync`` merges them.
Object-level rules (territory) are in ``crm/rules.py`` and ``crm/scoping.py``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("development officer")
    DIRECTOR = "director", _("regional director")
    FINANCIAL_OFFICER = "financial_officer", _("financial-tools officer")
    BOARD_MEMBER = "board_member", _("board member")
    ADMINISTRATOR = "administrator", _("administrator")


# Roles whose territory is one regional union (financial-tools officers may be national).
REGIONAL_ROLES = frozenset({Role.OFFICER, Role.DIRECTOR})
# Roles that never see personal data, only aggregates.
AGGREGATE_ONLY_ROLES = frozenset({Role.BOARD_MEMBER})
# Roles that work in the back office / admin.
STAFF_ROLES = frozenset({Role.OFFICER, Role.DIRECTOR, Role.FINANCIAL_OFFICER, Role.ADMINISTRATOR})
