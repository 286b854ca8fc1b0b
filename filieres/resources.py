"""CSV import/export of filière definitions (django-import-export).

Columns: ``slug,name,description,prefixes,prefixes_2025``; prefixes are separated by
semicolons (``F;43.22;62.01Z``). Rows are matched on ``slug``. Each row is saved through
``filieres.services`` (validation, prefixes, mapping rebuild), so a bad prefix becomes a
per-row validation error naming the column, and a dry run — which writes then rolls the
whole import back — leaves filières and mapping untouched.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources

from crm.models import NafVersion
from filieres import naf, services
from filieres.models import Filiere


def _joined(filiere: Filiere, version: str, pending_attribute: str) -> str:
    # During an import the row's value is pending on the instance: show it in the diff.
    pending = getattr(filiere, pending_attribute, None)
    if pending is not None:
        return ";".join(naf.split_prefixes(pending))
    if filiere.pk is None:
        return ""
    return ";".join(p.code for p in filiere.prefixes.all() if p.naf_version == version)


class FiliereResource(resources.ModelResource):
    """``by``: who imports (the admin passes the request's user; the command, ``SYSTEM``)."""

    prefixes = fields.Field(column_name="prefixes", attribute="_prefixes_rev2")
    prefixes_2025 = fields.Field(column_name="prefixes_2025", attribute="_prefixes_2025")

    class Meta:
        model = Filiere
        fields = ["slug", "name", "description", "prefixes", "prefixes_2025"]
        export_order = ["slug", "name", "description", "prefixes", "prefixes_2025"]
        import_id_fields = ["slug"]
        use_transactions = True
        skip_unchanged = False
        clean_model_instances = True

    def __init__(self, *, by=None, **kwargs):
        super().__init__(**kwargs)
        self.by = by

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        # All or nothing: a file with one bad row saves no row (the preview lists them all).
        return super().import_data(
            dataset, *args, rollback_on_validation_errors=rollback_on_validation_errors, **kwargs
        )

    def get_queryset(self):
        return Filiere.objects.prefetch_related("prefixes")

    def dehydrate_prefixes(self, filiere: Filiere) -> str:
        return _joined(filiere, NafVersion.REV2, "_prefixes_rev2")

    def dehydrate_prefixes_2025(self, filiere: Filiere) -> str:
        return _joined(filiere, NafVersion.NAF2025, "_prefixes_2025")

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Check prefixes now so that the preview shows them as errors of this row.
        for column, version in (
            ("prefixes", NafVersion.REV2),
            ("prefixes_2025", NafVersion.NAF2025),
        ):
            if column not in row:
                continue  # column absent from the file: prefixes of that version unchanged
            try:
                naf.parse_prefixes(row[column] or "", version=version, field=column)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        prefixes = getattr(instance, "_prefixes_rev2", None)
        prefixes_2025 = getattr(instance, "_prefixes_2025", None)
        if is_create:
            saved = services.filiere_create(
                by=self.by,
                name=instance.name,
                slug=instance.slug,
                description=instance.description or "",
                prefixes=prefixes or "",
                prefixes_2025=prefixes_2025 or "",
            )
        else:
            saved = services.filiere_update(
                filiere=instance,
                by=self.by,
                name=instance.name,
                slug=instance.slug,
                description=instance.description or "",
                prefixes=prefixes,
                prefixes_2025=prefixes_2025,
            )
        instance.pk = saved.pk
