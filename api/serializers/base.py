"""Serializer building blocks shared by the API's endpoints."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictFieldsMixin:
    """Refuse unknown fields and read-only ones (mass assignment), naming each of them.

    Mix into every input serializer, nested ones included: a nested serializer reports its
    unknown fields under its own path (``company.status``).
    """

    unknown_field_message = _("This field is not allowed.")

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            errors = {
                str(name): [str(self.unknown_field_message)]
                for name in data
                if name not in writable
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from exc
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass
