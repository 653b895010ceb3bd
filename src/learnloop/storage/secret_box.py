"""What is stored of a secret learnloop must read back (an authenticator app's key, another LRS's
password): encrypted with Fernet (``cryptography``), under a key derived from the instance's
secret key and the use it is for, so that a copy of the database alone opens nothing and one
use's key never opens another's. Secrets only checked, never read back, are digests instead
(storage.secret_digest)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet

__all__ = ["secret_box"]


def secret_box(instance_key: str, use: bytes) -> Fernet:
    """The Fernet for ``use`` (a fixed label: b"learnloop two-step sign-in") under the instance's
    key. Changing the instance's key makes what it encrypted unreadable (InvalidToken)."""
    digest = hashlib.sha256(use + b"\0" + instance_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))
