import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_dashboards(settings):
    """Figures computed afresh in every test (the cache has its own test), in a cache of
    this process: the default without Redis is a database table, out of reach of the pure
    tests (no database) and counted by the query-count tests."""
    settings.RELEVE_DASHBOARDS_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()
