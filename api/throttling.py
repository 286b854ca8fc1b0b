"""Per-key rate limits: fixed windows counted in the cache (Redis when REDIS_URL is set,
so every app server shares the counters). ``cache.add`` + ``cache.incr`` are atomic in
Redis, unlike DRF's SimpleRateThrottle (read, append, write back), which undercounts
under concurrency.

Limits come from ``PartnerApiSettings`` or the RELEVE_API_RATE_PER_* defaults.
"""

import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from api.models import PartnerApiKey
from api.selectors import partner_rate_limits


class _PartnerWindowThrottle(BaseThrottle):
    window_seconds: int
    scope: str

    def limit_for(self, limits) -> int:
        raise NotImplementedError

    def allow_request(self, request, view):
        key = request.auth
        if not isinstance(key, PartnerApiKey):
            return True  # unauthenticated requests are refused before doing any work
        limit = self.limit_for(partner_rate_limits(key.partner))
        now = time.time()
        window_start = int(now // self.window_seconds) * self.window_seconds
        cache_key = f"releve:throttle:{self.scope}:{key.pk}:{window_start}"
        # Increment first: the window's counter exists for every request but its first,
        # so the usual request costs one cache operation, not two (with the database cache
        # each operation is several statements). Missing: create it at 1 (``add``); a
        # concurrent request that created it meanwhile makes ``add`` refuse: increment then.
        try:
            count = cache.incr(cache_key)
        except ValueError:
            if cache.add(cache_key, 1, timeout=self.window_seconds + 60):
                count = 1
            else:
                count = cache.incr(cache_key)
        self._wait = max(1, int(window_start + self.window_seconds - now + 0.999))
        return count <= limit

    def wait(self):
        return getattr(self, "_wait", None)


class PartnerMinuteThrottle(_PartnerWindowThrottle):
    window_seconds = 60
    scope = "minute"

    def limit_for(self, limits) -> int:
        return limits.per_minute


class PartnerDayThrottle(_PartnerWindowThrottle):
    window_seconds = 86_400
    scope = "day"

    def limit_for(self, limits) -> int:
        return limits.per_day


PARTNER_THROTTLES = [PartnerMinuteThrottle, PartnerDayThrottle]
