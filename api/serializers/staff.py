"""Representations and inputs of the staff API (cases, history, activities, financing).

Outputs carry what an officer sees in the back office for a case: the company, the stage,
the staff working on it and the milestones; never the contact people of the organisation.
Amounts are decimal strings (``"250000.00"``), ratios too (``"0.2500"``).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import MAX_ID
from api.serializers.base import StrictFieldsMixin, StrictSerializer
from transmission import employee_information, workflow
from transmission import selectors as case_selectors
from transmission.choices import ActivityKind, Stage
from transmission.models import Activity, Case, StageChange

MONEY = {"max_digits": 16, "decimal_places": 2}
RATIO = {"max_digits": 12, "decimal_places": 4}


# --- Small pieces -----------------------------------------------------------------------


class StaffMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class RegionalUnionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    siren = serializers.CharField(allow_null=True)
    naf_code = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["date", "decimal", "integer", "string", "choice"])
    choices = ChoiceSerializer(many=True, allow_null=True)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=workflow.TRANSITION_NAMES)
    label = serializers.CharField(help_text=_("Label of the transition, in French."))
    target = serializers.ChoiceField(choices=Stage.choices)
    allowed = serializers.BooleanField(
        help_text=_("Whether the caller may run it now, with the case as it stands.")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Why it is blocked as the case stands (empty when allowed)."),
    )
    fields = TransitionFieldSerializer(
        many=True, help_text=_("What the transition collects (its guards read them).")
    )


class EmployeeInformationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=employee_information.Status.choices)
    message = serializers.CharField(help_text=_("What the rule found, in French."))
    warning = serializers.BooleanField(
        help_text=_("A compliance warning (a civil fine is at stake), never a block.")
    )


class MemberCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    members = serializers.IntegerField()
    capital = serializers.DecimalField(**MONEY)
    votes = serializers.DecimalField(max_digits=9, decimal_places=2)
    capital_share = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("Per cent of the capital.")
    )
    votes_share = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("Per cent of the votes.")
    )


class MembersSerializer(serializers.Serializer):
    categories = MemberCategorySerializer(many=True, source="rows")
    members = serializers.IntegerField()
    capital = serializers.DecimalField(**MONEY)
    votes = serializers.DecimalField(max_digits=11, decimal_places=2)
    lawful = serializers.BooleanField(
        help_text=_("The members meet the law of the target form (checked at signing).")
    )
    refusals = serializers.ListField(
        child=serializers.CharField(), help_text=_("What the law finds short, in French.")
    )


# --- Cases ------------------------------------------------------------------------------


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField(source="get_stage_display")
    version = serializers.IntegerField(
        help_text=_("Bumped by every transition; send it back with a transition to be told "
                    "(409) when someone moved the case meanwhile.")
    )  # fmt: skip
    regional_union = RegionalUnionSerializer()
    organisation = OrganisationSummarySerializer()
    assigned_officer = StaffMemberSerializer(allow_null=True)
    next_action = serializers.CharField()
    next_action_on = serializers.DateField(allow_null=True)
    stage_changed_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CooperativeSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    siren = serializers.CharField(allow_null=True)


class CaseDetailSerializer(CaseListItemSerializer):
    previous_stage = serializers.CharField()
    source = serializers.CharField()
    source_partner = serializers.CharField(
        source="source_partner.slug", allow_null=True, help_text=_("Slug of the partner.")
    )
    jobs_at_stake = serializers.IntegerField(allow_null=True)
    jobs_at_incorporation = serializers.IntegerField(allow_null=True)
    route = serializers.CharField(help_text=_("How the cooperative comes into being."))
    target_form = serializers.CharField()
    seed_scop = serializers.BooleanField()
    founding_members = serializers.IntegerField(allow_null=True)
    member_categories = serializers.IntegerField(allow_null=True)
    valuation = serializers.DecimalField(**MONEY, allow_null=True)
    owner_agreement_on = serializers.DateField(allow_null=True)
    employees_informed_on = serializers.DateField(allow_null=True)
    cse_consulted_on = serializers.DateField(allow_null=True)
    employees_waived_bid_on = serializers.DateField(allow_null=True)
    employee_information = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    general_meeting_on = serializers.DateField(allow_null=True)
    opening_judgment_on = serializers.DateField(allow_null=True)
    court_offer_deadline = serializers.DateField(allow_null=True)
    court_hearing_on = serializers.DateField(allow_null=True)
    plan_judgment_on = serializers.DateField(allow_null=True)
    possession_on = serializers.DateField(allow_null=True)
    signing_on = serializers.DateField(allow_null=True)
    registered_on = serializers.DateField(allow_null=True)
    cooperative_siren = serializers.CharField()
    cooperative = CooperativeSummarySerializer(
        allow_null=True, help_text=_("The cooperative's own record, once registered.")
    )
    abandon_reason = serializers.CharField()
    abandon_comment = serializers.CharField()
    decline_reason = serializers.CharField()
    review_on = serializers.DateField(allow_null=True)
    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(EmployeeInformationSerializer)
    def get_employee_information(self, case):
        return employee_information.assess(case, today=timezone.localdate()).as_dict()

    @extend_schema_field(MembersSerializer)
    def get_members(self, case):
        return MembersSerializer(case_selectors.case_members_summary(case)).data

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_available_transitions(self, case):
        user = self.context["request"].user
        return [
            {
                "name": item.name,
                "label": item.label,
                "target": transition_target(case, item.name),
                "allowed": item.allowed,
                "reasons": [str(reason) for reason in item.reasons],
                "fields": [field_description(name) for name in [*item.fields, *item.extra_inputs]],
            }
            for item in workflow.available_transitions(case, user)
        ]


def transition_target(case: Case, name: str) -> str:
    """Where ``name`` takes the case: resume and reopen go back to the stage it left."""
    return workflow.TRANSITIONS[name].target or case.previous_stage


def field_description(name: str) -> dict:
    # The inputs that are not Case fields (workflow.EXTRA_INPUTS): free text each.
    extra_labels = {
        workflow.OVERRIDE_REASON: _("reason for overriding the financing plan rule (directors)"),
        workflow.COOPERATIVE_NAME: _("name of the new cooperative (default: the company's)"),
    }
    if name in extra_labels:
        return {"name": name, "label": str(extra_labels[name]), "type": "string", "choices": None}
    field = Case._meta.get_field(name)
    if field.choices:
        kind = "choice"
    elif isinstance(field, models.DateField):
        kind = "date"
    elif isinstance(field, models.DecimalField):
        kind = "decimal"
    elif isinstance(field, models.IntegerField):
        kind = "integer"
    else:
        kind = "string"
    choices = (
        [{"value": value, "label": str(label)} for value, label in field.choices]
        if field.choices
        else None
    )
    return {"name": name, "label": str(field.verbose_name), "type": kind, "choices": choices}


# --- Transitions ------------------------------------------------------------------------


class TransitionHeadSerializer(serializers.Serializer):
    """The part of a transition request common to every transition."""

    name = serializers.ChoiceField(choices=workflow.TRANSITION_NAMES)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        help_text=_("The version of the case you read: 409 if it has changed since."),
    )


# The case fields a transition may collect, as the request schema documents them; which of
# them a given call accepts depends on the transition and the kind of the case.
_ALL_INPUT_FIELDS = sorted({name for fields in workflow.INPUTS.values() for name, _k in fields})
_INTEGER_LIMITS = {"min_value": 0, "max_value": MAX_ID}


def _input_kwargs(names) -> dict:
    kwargs = {}
    for name in names:
        field = Case._meta.get_field(name)
        extra = {"required": False}
        if isinstance(field, models.IntegerField):
            extra.update(_INTEGER_LIMITS)
        kwargs[name] = extra
    return kwargs


class _TransitionInputBase(StrictFieldsMixin, serializers.ModelSerializer):
    name = serializers.ChoiceField(choices=workflow.TRANSITION_NAMES)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


def transition_input_serializer(case: Case, name: str) -> type[serializers.ModelSerializer]:
    """The serializer of a call of ``name`` on ``case``: the fields this transition collects
    for this kind of case, typed as the model types them; anything else is refused."""
    fields = workflow.input_fields(case, name)
    extra = workflow.extra_inputs(name)
    attrs = {
        "Meta": type(
            "Meta",
            (),
            {
                "model": Case,
                "fields": ["name", "comment", "version", *fields, *extra],
                "extra_kwargs": _input_kwargs(fields),
            },
        )
    }
    for extra_name in extra:
        attrs[extra_name] = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    return type(f"TransitionInput_{name}", (_TransitionInputBase,), attrs)


class TransitionRequestSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """What the schema documents: every field any transition collects, all optional."""

    name = serializers.ChoiceField(choices=workflow.TRANSITION_NAMES)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        help_text=_("The version of the case you read: 409 if it has changed since."),
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("start_closing only: a director's reason to override the plan rule."),
    )

    class Meta:
        model = Case
        fields = ["name", "comment", "version", *_ALL_INPUT_FIELDS, "override_reason"]
        extra_kwargs = _input_kwargs(_ALL_INPUT_FIELDS)


class TransitionRefusedProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Reasons by field where one field is missing; the rest under "
                    "non_field_errors."),
    )  # fmt: skip
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Every reason, in French (refusals by the workflow)."),
    )


# --- History and activities -------------------------------------------------------------


class StageChangeSerializer(serializers.ModelSerializer):
    by = StaffMemberSerializer(allow_null=True)
    data = serializers.JSONField(help_text=_("What was given with the transition."))

    class Meta:
        model = StageChange
        fields = ["id", "transition", "source_stage", "target_stage", "by", "at", "comment", "data"]


class ActivitySerializer(serializers.ModelSerializer):
    assignee = StaffMemberSerializer(allow_null=True)
    created_by = StaffMemberSerializer(allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "subject",
            "notes",
            "happened_on",
            "due_on",
            "done",
            "assignee",
            "minutes_spent",
            "created_by",
            "created_at",
        ]


class ActivityInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    subject = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    happened_on = serializers.DateField(required=False, allow_null=True)
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Tasks only, and required for them.")
    )
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("User id of a staff member of the case's regional union (tasks)."),
    )
    minutes_spent = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100_000
    )


# --- Financing --------------------------------------------------------------------------


class InstrumentSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    provider = serializers.CharField()


class FinancingLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = InstrumentSummarySerializer()
    family = serializers.CharField()
    is_movement_tool = serializers.BooleanField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    amount_requested = serializers.DecimalField(**MONEY)
    amount_committed = serializers.DecimalField(**MONEY, allow_null=True)
    amount_disbursed = serializers.DecimalField(**MONEY, allow_null=True)
    decision_on = serializers.DateField(allow_null=True)
    disbursed_on = serializers.DateField(allow_null=True)
    secures = serializers.IntegerField(
        source="secures_id", allow_null=True, help_text=_("For a guarantee: the line it secures.")
    )


class NeedsSerializer(serializers.Serializer):
    price_or_investment = serializers.DecimalField(**MONEY)
    working_capital = serializers.DecimalField(**MONEY)
    other_needs = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class FinancingTotalsSerializer(serializers.Serializer):
    committed = serializers.DecimalField(
        **MONEY, help_text=_("Committed resources (guarantees excluded).")
    )
    movement_committed = serializers.DecimalField(
        **MONEY, help_text=_("Committed by the movement's tools.")
    )
    pending = serializers.DecimalField(
        **MONEY, help_text=_("Requested by lines still planned or requested.")
    )


class FinancingSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    needs = NeedsSerializer()
    lines = FinancingLineSerializer(many=True)
    totals = FinancingTotalsSerializer()
    gap = serializers.DecimalField(
        **MONEY, help_text=_("Needs minus committed resources (positive: money missing).")
    )
    balanced = serializers.BooleanField()
    movement_share = serializers.DecimalField(
        **RATIO, allow_null=True, help_text=_("Share of the movement's tools (0 to 1).")
    )
    leverage = serializers.DecimalField(
        **RATIO,
        allow_null=True,
        help_text=_("Committed resources ÷ movement's tools; null when they commit nothing."),
    )
    notes = serializers.CharField()
    updated_at = serializers.DateTimeField()


__all__ = [
    "ActivityInputSerializer",
    "ActivitySerializer",
    "CaseDetailSerializer",
    "CaseListItemSerializer",
    "FinancingSerializer",
    "StageChangeSerializer",
    "TransitionHeadSerializer",
    "TransitionRefusedProblemSerializer",
    "TransitionRequestSerializer",
    "transition_input_serializer",
]
