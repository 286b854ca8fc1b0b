"""Who is calling: a partner (``Authorization: Api-Key <key>``) or a staff member
(``Authorization: Bearer <token>`` / ``Token <token>``, or the browser session with CSRF).

Partner endpoints accept partner keys only and staff endpoints staff credentials only; a
credential of the other kind is ignored, so the caller gets the same 401 (with the
endpoint's ``WWW-Authenticate`` challenge) as with no credential at all.

A partner request runs as ``AnonymousUser`` with ``request.auth`` the ``PartnerApiKey``
(``partner_of(request)`` gives the partner): no code path can mistake a partner for a user.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from api import selectors, services
from api.models import PartnerApiKey, StaffToken
from crm.models import Partner
from crm.scoping import staff_profile

API_KEY_KEYWORD = "Api-Key"
STAFF_KEYWORDS = ("Bearer", "Token")


def _credentials(request, keywords: tuple[str, ...]) -> str | None:
    """The credential after one of ``keywords``, None when another scheme is used."""
    header = authentication.get_authorization_header(request)
    if not header:
        return None
    try:
        scheme, _sep, value = header.decode("latin-1").partition(" ")
    except UnicodeDecodeError:
        return None
    if scheme.lower() not in {k.lower() for k in keywords}:
        return None
    value = value.strip()
    if not value or " " in value:
        raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
    return value


class PartnerApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        plaintext = _credentials(request, (API_KEY_KEYWORD,))
        if plaintext is None:
            return None
        key = selectors.partner_key_from_plaintext(plaintext)
        if key is None:
            # Wrong, expired and revoked keys answer alike: nothing to learn by probing.
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        services.credential_touch(key)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return f'{API_KEY_KEYWORD} realm="releve-partners"'


class StaffTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        plaintext = _credentials(request, STAFF_KEYWORDS)
        if plaintext is None:
            return None
        token = selectors.staff_token_from_plaintext(plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        services.credential_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="releve-staff"'


class StaffSessionAuthentication(authentication.SessionAuthentication):
    """The back office's session, CSRF-checked on unsafe methods (DRF's behaviour)."""


def partner_of(request) -> Partner | None:
    auth = getattr(request, "auth", None)
    return auth.partner if isinstance(auth, PartnerApiKey) else None


class IsPartner(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerApiKey)


class IsStaff(permissions.BasePermission):
    """A signed-in staff member (any role, board members included: selectors scope rows)."""

    message = _("This endpoint is for staff members.")

    def has_permission(self, request, view):
        user = request.user
        if isinstance(request.auth, PartnerApiKey) or not user or not user.is_authenticated:
            return False
        if not user.is_active:
            return False
        return user.is_superuser or staff_profile(user) is not None


PARTNER_AUTHENTICATION = [PartnerApiKeyAuthentication]
STAFF_AUTHENTICATION = [StaffTokenAuthentication, StaffSessionAuthentication]

__all__ = [
    "PARTNER_AUTHENTICATION",
    "STAFF_AUTHENTICATION",
    "IsPartner",
    "IsStaff",
    "PartnerApiKeyAuthentication",
    "StaffSessionAuthentication",
    "StaffToken",
    "StaffTokenAuthentication",
    "partner_of",
]
