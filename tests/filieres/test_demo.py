import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command

from crm.models import Organisation
from filieres import selectors
from filieres.models import RegionalPriority

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


def test_seed_demo_designates_past_and_current_priorities_and_spreads_sectors():
    call_command(
        "seed_demo", "--seed=3", f"--today={TODAY}", "--cooperatives=150", stdout=io.StringIO()
    )
    priorities = list(RegionalPriority.objects.all())
    unions = {p.regional_union_id for p in priorities if p.regional_union_id}
    assert len(unions) >= 3
    assert any(p.region_id for p in priorities)
    assert any(p.end and p.end <= TODAY for p in priorities)  # past
    assert any(p.start <= TODAY and (p.end is None or p.end > TODAY) for p in priorities)
    assert all(p.rationale for p in priorities)
    counts = Counter(
        {f.slug: f.row_count for f in selectors.count_by_filiere(Organisation.objects.all())}
    )
    assert sum(1 for n in counts.values() if n) >= 8  # the sector mix reaches most filières
