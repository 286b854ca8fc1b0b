"""Security middleware: query strings without NUL, response headers, idle sessions.

- ``NulFreeQueryMiddleware``: PostgreSQL's text cannot hold a NUL character, so a ``%00`` in
  a query string that reached a filter answered 500 ("A string literal cannot contain NUL").
  It is removed once, here, for every page and the API: no value a filter reads holds one.

- ``SecurityHeadersMiddleware``: a Permissions-Policy on every answer, and
  ``Cache-Control: no-store`` on the API's answers (the staff API and lead details carry
  personal data; the public schema and documentation pages are left cacheable).
- ``IdleSessionMiddleware``: a session expires after ``SESSION_COOKIE_AGE`` seconds without a
  request (a working day). Pushing the expiry back on every request would write the session
  on every page; it is pushed back only once ``SESSION_REFRESH_SECONDS`` have passed since the
  last refresh, so most requests cost no write at all.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import QueryDict
from django.utils.cache import add_never_cache_headers, patch_cache_control

API_PREFIX = "/api/"
CACHEABLE_API_PREFIXES = ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/problems/")
REFRESHED_AT_KEY = "_releve_refreshed_at"


class NulFreeQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        path = request.path_info
        if path.startswith(API_PREFIX) and not path.startswith(CACHEABLE_API_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class IdleSessionMiddleware:
    """Sliding expiry, refreshed at most every ``SESSION_REFRESH_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            refreshed_at = session.get(REFRESHED_AT_KEY)
            if refreshed_at is None or now - int(refreshed_at) >= settings.SESSION_REFRESH_SECONDS:
                # Modifying the session makes SessionMiddleware save it with a new expiry
                # (SESSION_COOKIE_AGE from now) and send the cookie again.
                session[REFRESHED_AT_KEY] = now
                session.set_expiry(settings.SESSION_COOKIE_AGE)
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="crm.security.session_refreshed_at_login")
def _session_refreshed_at_login(sender, request, user, **kwargs):
    """The login writes the session anyway: it counts as the first refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_AT_KEY] = int(time.time())
