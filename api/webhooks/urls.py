"""Which webhook URLs we agree to call.

https only, no credentials in the URL, and every address the host resolves to must be a
public one (no loopback, private, link-local, reserved, multicast...), checked when the
partner registers the URL and again before each delivery (DNS may change in between);
the delivery then connects to the address that was checked. ``RELEVE_WEBHOOKS_ALLOW_INSECURE``
lifts both rules, for tests and local development only.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class WebhookUrlRefused(ValidationError):
    pass


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlRefused(_("The host name of this URL does not resolve.")) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


# IETF protocol assignments (192.0.0.8 and the rest of 192.0.0.0/24, bar the two anycast
# addresses Python counts as global) are never a partner's web server.
_IETF_PROTOCOL_ASSIGNMENTS = ipaddress.ip_network("192.0.0.0/24")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo), which routers reach."""
    embedded = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        embedded.extend(ip.teredo)
    return [address for address in embedded if address is not None]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(ip))
    return all(_is_public_ip(candidate) for candidate in candidates)


def _is_public_ip(ip) -> bool:
    if isinstance(ip, ipaddress.IPv4Address) and ip in _IETF_PROTOCOL_ASSIGNMENTS:
        return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_unspecified
    )


def webhook_url_validate(url: str) -> tuple[str, int, list[str]]:
    """``(host, port, addresses)`` of a URL we may call, or WebhookUrlRefused."""
    insecure = settings.RELEVE_WEBHOOKS_ALLOW_INSECURE
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlRefused(_("Enter a valid URL.")) from exc
    allowed_schemes = {"https", "http"} if insecure else {"https"}
    if parts.scheme not in allowed_schemes:
        raise WebhookUrlRefused(_("The webhook URL must use https."))
    if not parts.hostname:
        raise WebhookUrlRefused(_("Enter a valid URL."))
    if parts.username or parts.password:
        raise WebhookUrlRefused(_("The webhook URL may not contain credentials."))
    if port == 0:
        raise WebhookUrlRefused(_("The webhook URL must not use port 0."))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(parts.hostname, port)
    if not insecure and not all(_is_public(address) for address in addresses):
        raise WebhookUrlRefused(
            _("The webhook URL must point to a public address, not a private or local one.")
        )
    return parts.hostname, port, addresses
