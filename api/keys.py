"""Credential format and hashing, shared by partner keys and staff tokens.

Keys are 256-bit random secrets, so a fast keyed hash is enough (a slow password hash
would cost every request for no gain): HMAC-SHA256 under ``RELEVE_API_KEY_PEPPER``
(``SECRET_KEY`` by default; set it separately so that rotating SECRET_KEY keeps keys valid).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings

PARTNER_KEY_KIND = "rlv"
STAFF_TOKEN_KIND = "rlvs"
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class ParsedKey:
    kind: str
    prefix: str
    plaintext: str


def generate(kind: str) -> tuple[str, str]:
    """A new ``(prefix, plaintext)``; the plaintext is ``<kind>_<prefix>.<secret>``."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{kind}_{prefix}.{secrets.token_urlsafe(32)}"


def parse(plaintext: str) -> ParsedKey | None:
    kind, sep, rest = plaintext.partition("_")
    prefix, dot, secret = rest.partition(".")
    if not (sep and dot and secret) or len(prefix) != PREFIX_LENGTH or len(plaintext) > 200:
        return None
    return ParsedKey(kind=kind, prefix=prefix, plaintext=plaintext)


def hash_key(plaintext: str) -> str:
    pepper = (settings.RELEVE_API_KEY_PEPPER or settings.SECRET_KEY).encode()
    return hmac.new(pepper, plaintext.encode(), hashlib.sha256).hexdigest()


def matches(plaintext: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_key(plaintext), hashed)
