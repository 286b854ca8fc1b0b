"""Support to an existing cooperative (texte d'orientation, resolutions 9 and 11).

A cooperative already in the movement asks for help to develop, grow by acquisition,
consolidate or get through a difficulty. The request follows its own short workflow
(``financement.support_workflow``) and carries a financing plan like a case's, so that the
movement's money to its existing members counts in the financing and equity figures too.

Its status changes only in ``services.support_request_transition``; the story is kept in
``SupportStatusChange`` (append-only, like a case's history).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from crm.constraints import FieldCheckConstraint
from crm.models import Organisation, RegionalUnion
from crm.workflow_engine import fsm_transition
from financement.choices import SupportNeed, SupportStatus
from financement.support_workflow import SUPPORT_WORKFLOW
from transmission.models import AppendOnlyRecord


def _fsm(name: str):
    return fsm_transition(SUPPORT_WORKFLOW, name)


class SupportRequest(FSMModelMixin, models.Model):
    """A need of an existing cooperative, followed from the request to the support decided."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("cooperative"),
    )
    # The UR covering the cooperative when the request was opened (like a case's UR).
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        related_name="support_requests",
        verbose_name=_("regional union"),
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("assigned officer"),
    )
    need = models.CharField(_("need"), max_length=20, choices=SupportNeed.choices)
    description = models.TextField(_("description"), blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=SupportStatus.choices,
        default=SupportStatus.RECEIVED,
        protected=True,
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    drop_reason = models.TextField(_("reason it had no follow-up"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    territory_ur_path = "regional_union"

    class Meta:
        verbose_name = _("support to a cooperative")
        verbose_name_plural = _("supports to cooperatives")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["regional_union", "status"], name="supportrequest_ur_status")
        ]
        constraints = [
            FieldCheckConstraint(
                field="decided_on",
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("opened_on")),
                name="supportrequest_decided_after_opened",
                violation_error_message=_(
                    "The support cannot be decided before the request was opened."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(need)s of %(cooperative)s")
            % {"need": self.get_need_display().capitalize(), "cooperative": self.organisation}
        )

    @property
    def reference(self) -> str:
        """How a support reads in a list or a line's label (its cooperative and need)."""
        return str(self)

    @property
    def is_open(self) -> bool:
        from financement.choices import OPEN_SUPPORT_STATUSES

        return self.status in OPEN_SUPPORT_STATUSES

    # The transitions only change the object; the engine saves and records them.
    @_fsm("start_assessment")
    def start_assessment(self) -> None:
        pass

    @_fsm("start_financing")
    def start_financing(self) -> None:
        pass

    @_fsm("grant")
    def grant(self) -> None:
        pass

    @_fsm("drop")
    def drop(self) -> None:
        pass

    @_fsm("reopen")
    def reopen(self) -> None:
        self.decided_on = None
        self.drop_reason = ""


class SupportStatusChange(AppendOnlyRecord):
    """One transition of a support request (see AppendOnlyRecord); trigger in its migration."""

    change_refused_message = _("The history of a support cannot be changed.")
    delete_refused_message = _("The history of a support cannot be deleted.")

    support = models.ForeignKey(
        SupportRequest,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("support to a cooperative"),
    )
    source_status = models.CharField(
        _("from"), max_length=20, choices=SupportStatus.choices, blank=True
    )
    target_status = models.CharField(_("to"), max_length=20, choices=SupportStatus.choices)

    territory_ur_path = "support__regional_union"

    class Meta:
        verbose_name = _("support status change")
        verbose_name_plural = _("support status changes")
        ordering = ["support_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_status_display() or '∅'} → {self.get_target_status_display()}"
