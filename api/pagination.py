"""Cursor pagination shared by every API list (partner leads, staff cases, activities)."""

import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination


def _aware_datetime(value: str) -> bool:
    """Whether ``value`` is a date and time with an offset that the database can hold."""
    try:
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            return False
        parsed.astimezone(datetime.UTC)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


class StrictCursorPagination(CursorPagination):
    """Cursor pages of at most 100 items (50 by default); subclasses set the ordering.

    A ``page_size`` outside 1..100 and a cursor that does not decode are 400s naming the
    parameter (DRF would fall back to the default size, and answer 404 for the cursor); a
    cursor's position is checked before it reaches the database.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        # DRF reads an empty ``cursor=`` as the first page: refuse it like any bad cursor.
        if encoded.strip():
            try:
                cursor = super().decode_cursor(request)
            except exceptions.NotFound:
                cursor = None
            if cursor is not None and (cursor.position is None or _aware_datetime(cursor.position)):
                return cursor
        raise serializers.ValidationError({self.cursor_query_param: [_("Invalid cursor.")]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
        return parameters
