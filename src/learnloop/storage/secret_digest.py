"""What is stored of a secret handed out once: a session or API token, a calendar link, an LTI
registration code. Only its SHA-256 is kept and looked up, so a copy of the database opens
nothing. A fast hash is enough here, unlike for passwords (argon2): these secrets are at least
144 random bits (``secrets.token_urlsafe``), so there is nothing to guess from the digest."""

from __future__ import annotations

import hashlib

__all__ = ["secret_digest"]


def secret_digest(secret: str) -> str:
    """The hex SHA-256 of ``secret``: what its row keeps, and what finding it looks up."""
    return hashlib.sha256(secret.encode()).hexdigest()
