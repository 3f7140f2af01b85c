"""Secret resume tokens: 256 random bits in the URL, only their sha256 in the database."""

from __future__ import annotations

import hashlib
import re
import secrets

__all__ = ["hash_token", "looks_like_token", "new_token"]

#: ``secrets.token_urlsafe(32)`` gives 43 characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    """A fresh resume token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The hex sha256 of ``token``: what the database stores and looks up."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(token: str) -> bool:
    """True when ``token`` has the shape of a resume token (checked before any lookup)."""
    return bool(_TOKEN.fullmatch(token))
