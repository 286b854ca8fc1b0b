"""History rows stay immutable, except for a GDPR redaction (crm.redaction).

The immutability trigger refused every UPDATE; it now lets one through when the connection
says a redaction is under way (``crm.redaction.history_redaction``).
"""

from django.db import migrations

from crm.redaction import history_redaction_trigger


class Migration(migrations.Migration):
    dependencies = [("financement", "0004_financingline_version")]

    operations = [history_redaction_trigger("financement_linedecision")]
