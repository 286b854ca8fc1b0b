import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_dashboards(settings):
    """Figures computed afresh in every test (the cache has its own test)."""
    settings.RELEVE_DASHBOARDS_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()
