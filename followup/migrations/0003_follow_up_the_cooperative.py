"""A follow-up follows the cooperative's own legal person (``Case.cooperative``): for a case
bought by a new cooperative, that is the newco, no longer the target company (issue 10 §1)."""

from django.db import migrations


def forwards(apps, schema_editor):
    CooperativeFollowUp = apps.get_model("followup", "CooperativeFollowUp")
    for follow_up in CooperativeFollowUp.objects.filter(case__isnull=False).select_related(
        "case"
    ):
        cooperative_id = follow_up.case.cooperative_id
        if cooperative_id and cooperative_id != follow_up.organisation_id:
            follow_up.organisation_id = cooperative_id
            follow_up.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_review_money_not_negative"),
        ("transmission", "0006_case_route_and_cooperative"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
