"""Vocabularies of a case: kinds, stages, sources, target forms and closing reasons.

Kept apart from the models so that ``workflow`` (the rules) and ``models`` (the fields and the
decorated transitions) can both import them without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseKind(models.TextChoices):
    TAKEOVER = "takeover", _("healthy company takeover")
    TAKEOVER_DISTRESS = "takeover_distress", _("takeover of a company in difficulty")
    CREATION = "creation", _("creation from scratch")
    CONVERSION = "conversion", _("conversion of an association or cooperative")


class Stage(models.TextChoices):
    # The labels are the French ones of PRODUCT.md §2 once translated (context avoids clashes).
    LEAD = "lead", pgettext_lazy("case stage", "Lead")
    QUALIFICATION = "qualification", pgettext_lazy("case stage", "First contacts")
    FEASIBILITY = "feasibility", pgettext_lazy("case stage", "Diagnostic / feasibility")
    STRUCTURING = "structuring", pgettext_lazy("case stage", "Structuring")
    FINANCING = "financing", pgettext_lazy("case stage", "Financing round")
    CLOSING = "closing", pgettext_lazy("case stage", "Signing")
    INCORPORATED = "incorporated", pgettext_lazy("case stage", "Cooperative registered")
    ON_HOLD = "on_hold", pgettext_lazy("case stage", "On hold")
    ABANDONED = "abandoned", pgettext_lazy("case stage", "Abandoned")
    DECLINED = "declined", pgettext_lazy("case stage", "Not retained")


# The pipeline proper, in order: a case on hold or abandoned returns to one of these.
ACTIVE_STAGES = [
    Stage.LEAD,
    Stage.QUALIFICATION,
    Stage.FEASIBILITY,
    Stage.STRUCTURING,
    Stage.FINANCING,
    Stage.CLOSING,
]
# Stages a case rests in until someone acts (terminal, or paused).
CLOSED_STAGES = [Stage.INCORPORATED, Stage.ABANDONED, Stage.DECLINED]
OPEN_STAGES = [*ACTIVE_STAGES, Stage.ON_HOLD]


class CaseSource(models.TextChoices):
    PARTNER = "partner", _("partner")
    CAMPAIGN = "campaign", _("campaign")
    DIRECT = "direct", _("direct")
    OTHER = "other", _("other")


class TargetForm(models.TextChoices):
    SCOP_SARL = "scop_sarl", _("Scop SARL")
    SCOP_SAS = "scop_sas", _("Scop SAS")
    SCOP_SA = "scop_sa", _("Scop SA")
    SCIC_SAS = "scic_sas", _("Scic SAS")
    SCIC_SARL = "scic_sarl", _("Scic SARL")
    SCIC_SA = "scic_sa", _("Scic SA")

    @property
    def is_scic(self) -> bool:
        return self.value.startswith("scic")

    @property
    def legal_form(self) -> str:
        """The crm.LegalForm code: "sarl", "sas" or "sa" (every target form has one; a Scop
        d'amorçage is a status of a Scop, ``Case.seed_scop``, not a form)."""
        return self.value.rsplit("_", 1)[-1]


class CaseRoute(models.TextChoices):
    """How the cooperative comes into being, i.e. which legal person it is (DOMAIN.md)."""

    # The company itself becomes a Scop/Scic: same legal person, same SIREN, new form.
    TRANSFORMATION = "transformation", _("transformation of the company itself")
    # A new cooperative (its own SIREN) buys the shares or the business; the target is sold.
    NEWCO_PURCHASE = "newco_purchase", _("purchase by a new cooperative")
    # A court-ordered plan de cession: always a new cooperative; the target is liquidated.
    COURT_PLAN = "court_plan", _("court-ordered plan de cession")
    CREATION = "creation", _("creation ex nihilo")
    CONVERSION = "conversion", _("conversion of an association or cooperative")


class AbandonReason(models.TextChoices):
    OWNER_WITHDREW = "owner_withdrew", _("the owner withdrew")
    SOLD_TO_THIRD_PARTY = "sold_to_third_party", _("sold to a third party")
    NO_LEADER = "no_leader", _("no leader among the staff")
    PRICE_GAP = "price_gap", _("price gap")
    NOT_VIABLE = "not_viable", _("not viable")
    FINANCING_REFUSED = "financing_refused", _("financing refused")
    EMPLOYEES_UNWILLING = "employees_unwilling", _("employees unwilling")
    COURT_CHOSE_OTHER_BID = "court_chose_other_bid", _("the court chose another bid")
    OTHER = "other", _("other reason")


class DeclineReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("out of scope")
    DUPLICATE = "duplicate", _("duplicate")
    SPAM = "spam", _("spam")


class MemberCategory(models.TextChoices):
    """Categories of members (DOMAIN.md, "Legal facts"): a Scop has employee members and other
    members; a Scic gathers at least three categories, the law naming these."""

    EMPLOYEES = "employees", _("employee members")
    BENEFICIARIES = "beneficiaries", _("beneficiaries and users")
    PRODUCERS = "producers", _("producers")
    VOLUNTEERS = "volunteers", _("volunteers")
    PUBLIC_BODIES = "public_bodies", _("public bodies")
    OTHERS = "others", _("other members")


class ActivityKind(models.TextChoices):
    CALL = "call", _("call")
    MEETING = "meeting", _("meeting")
    NOTE = "note", _("note")
    TASK = "task", _("task")


class CaseTag(models.TextChoices):
    """What a case stands for that no NAF code says (texte d'orientation, resolution 10)."""

    RELOCATION = "relocation", _("relocation of production")
    ECOLOGICAL_TRANSITION = "ecological_transition", _("ecological transition")
    COLLECTIVE_KNOW_HOW = "collective_know_how", _("collective know-how")
