"""Signed POST of a webhook body, connected to the address that was just validated."""

import hashlib
import hmac
import http.client
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

from api.webhooks.urls import webhook_url_validate

USER_AGENT = "Releve-Webhooks/1"


def signature(body: bytes, secret: str) -> str:
    """The ``X-Releve-Signature`` value: ``sha256=`` and the hex HMAC of the exact body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # SNI and certificate checks use the host name; the socket goes to the checked IP.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_signed(*, url: str, body: bytes, secret: str, event_id: str, event_type: str) -> int:
    """POST ``body``; returns the HTTP status (redirects are not followed)."""
    host, port, addresses = webhook_url_validate(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        host, port, addresses[0], timeout=settings.RELEVE_WEBHOOK_TIMEOUT_SECONDS
    )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Releve-Event-Id": event_id,
                "X-Releve-Event": event_type,
                "X-Releve-Signature": signature(body, secret),
            },
        )
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()
