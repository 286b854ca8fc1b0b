"""Admin for the catalogue of instruments (administrators)."""

from django.contrib import admin

from financement.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "provider",
        "family",
        "is_movement_tool",
        "min_amount",
        "max_amount",
        "active",
    ]
    list_filter = ["family", "is_movement_tool", "active"]
    search_fields = ["name", "provider", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Lines copy the family and the movement flag when created: changing them on an
        # instrument in use would make the catalogue lie about past lines.
        if obj is not None and obj.lines.exists():
            return ["code", "family", "is_movement_tool"]
        return []

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.lines.exists())
