"""Partner leads: the body of ``POST /api/v1/leads/`` and the lead as partners see it."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import offset_in_range
from api.serializers.base import StrictSerializer
from crm.identifiers import normalize_naf_code, normalize_postal_code, normalize_siren
from crm.models import ContactRole
from crm.models.naf import NafVersion
from crm.naf import naf_version_for
from transmission import intake
from transmission.choices import CaseKind
from transmission.partner_status import PartnerStatus

MAX_EMPLOYEES = 100_000


def _django_messages(error: DjangoValidationError) -> list[str]:
    return [str(message) for message in error.messages]


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean only (DRF's field would take "yes", 1 or "on")."""

    default_error_messages = {"invalid": _("Must be a JSON boolean (true or false).")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class LeadCompanyInputSerializer(StrictSerializer):
    name = serializers.CharField(min_length=1, max_length=200)
    siren = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        help_text=_("9 digits (Luhn check); required unless kind is creation."),
    )
    naf_code = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=10,
        help_text=_("NAF sub-class of naf_version, 62.01Z or 6201Z."),
    )
    naf_version = serializers.ChoiceField(
        choices=NafVersion.choices,
        required=False,
        help_text=_(
            "Nomenclature of naf_code; by default the one in force on the day the lead is "
            "received (NAF 2025 from 1 January 2027)."
        ),
    )
    postal_code = serializers.CharField(min_length=5, max_length=5)
    city = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("The commune; required when the postal code serves two départements."),
    )
    employees = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_EMPLOYEES
    )

    def validate_siren(self, value):
        if not value:
            return None
        try:
            return normalize_siren(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_django_messages(error)) from error

    def validate_naf_code(self, value):
        # The format here; whether the code exists is the organisation's rule (crm).
        if not value:
            return ""
        try:
            return normalize_naf_code(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_django_messages(error)) from error

    def validate_postal_code(self, value):
        # The format here; where it is (or that it exists) is the intake's to resolve.
        try:
            return normalize_postal_code(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_django_messages(error)) from error


class LeadContactInputSerializer(StrictSerializer):
    first_name = serializers.CharField(min_length=1, max_length=100)
    last_name = serializers.CharField(min_length=1, max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    role = serializers.ChoiceField(choices=ContactRole.choices)


class LeadConsentSerializer(StrictSerializer):
    contact_agreed = StrictBooleanField(
        help_text=_("Must be true: the partner attests the person agreed to be contacted.")
    )

    def validate_contact_agreed(self, value):
        if value is not True:
            raise serializers.ValidationError(
                _("The person must have agreed to be contacted (contact_agreed: true).")
            )
        return value


class LeadCreateSerializer(StrictSerializer):
    """What a partner sends. Unknown fields, and those Relève sets (``id``, ``status``,
    ``stage``, ``partner``, ``officer``, ``case``...), are refused with 400 naming them."""

    kind = serializers.ChoiceField(choices=CaseKind.choices)
    company = LeadCompanyInputSerializer()
    contact = LeadContactInputSerializer()
    summary = serializers.CharField(min_length=1, max_length=5000)
    external_ref = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Your own reference, unique among your leads; a second use answers 409."),
    )
    consent = LeadConsentSerializer()

    def lead_data(self) -> dict:
        """The validated body, every optional key present (stored as the lead's payload)."""
        data = self.validated_data
        company = data["company"]
        contact = data["contact"]
        return {
            "kind": data["kind"],
            "company": {
                "name": company["name"],
                "siren": company.get("siren") or None,
                "naf_code": company.get("naf_code") or "",
                "naf_version": company.get("naf_version") or naf_version_for(timezone.localdate()),
                "postal_code": company["postal_code"],
                "city": company.get("city", ""),
                "employees": company.get("employees"),
            },
            "contact": {
                "first_name": contact["first_name"],
                "last_name": contact["last_name"],
                "email": contact.get("email", ""),
                "phone": contact.get("phone", ""),
                "role": contact["role"],
            },
            "summary": data["summary"],
            "external_ref": data.get("external_ref", ""),
            "consent": {"contact_agreed": True},
        }


class LeadCompanySerializer(serializers.Serializer):
    name = serializers.CharField()
    siren = serializers.CharField(allow_null=True)
    naf_code = serializers.CharField(help_text=_("Dotted form (62.01Z); empty when not given."))
    postal_code = serializers.CharField()
    city = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True)


class LeadSerializer(serializers.Serializer):
    """A lead as its partner sees it: no stage, officer, note or internal reason."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(
        source="case.reference",
        read_only=True,
        help_text=_(
            "The human reference of the case the lead is attached to (quote it when calling "
            "the regional union); several leads may share it."
        ),
    )
    status = serializers.ChoiceField(
        source="partner_status",
        choices=PartnerStatus.choices,
        read_only=True,
        help_text=_(
            "received: not yet qualified; in_progress: being worked on (or on hold); "
            "incorporated: the cooperative is registered; closed: abandoned or not retained. "
            "A lead attached to a case your own earlier lead opened has that case's status."
        ),
    )
    kind = serializers.ChoiceField(choices=CaseKind.choices, read_only=True)
    company = LeadCompanySerializer(source="payload.company", read_only=True)
    matched_existing_case = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "True when the lead was attached to a case your own earlier lead opened for this SIREN."
        ),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text=_("When the status last changed (or the lead was received).")
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not intake.partner_sees_case(instance):
            # Another partner's or an officer's case: answer as for an unknown company.
            data["reference"] = intake.lead_partner_reference(instance)
            data["status"] = PartnerStatus.RECEIVED.value
            data["matched_existing_case"] = False
            data["updated_at"] = self.fields["created_at"].to_representation(instance.created_at)
        return data


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time whose UTC offset is within ±15:59."""

    def to_internal_value(self, value):
        # Read the offset as given: DRF converts to the current time zone before returning.
        try:
            given = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            given = None
        if given is not None and not offset_in_range(given):
            raise serializers.ValidationError(
                _("The UTC offset must be between -15:59 and +15:59.")
            )
        return super().to_internal_value(value)


class LeadListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PartnerStatus.choices, required=False)
    updated_since = BoundedDateTimeField(
        required=False, help_text=_("Leads whose status changed at or after this instant.")
    )

    def to_internal_value(self, data):
        # DRF drops an empty optional query parameter silently; a typed filter given empty
        # is an error instead (``?status=`` would otherwise list every lead).
        blank = {
            name: [_("This parameter cannot be empty.")]
            for name in self.fields
            if name in data and not str(data.get(name, "")).strip()
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)
