"""Keys for LTI 1.3: the tool's own RSA key pair (its public half published as a JWKS, for the
platform's assignment and grade services and deep linking), and the platform's public keys read
from the JWKS it publishes (RFC 7517), chosen by ``kid``."""

from __future__ import annotations

import json
import secrets
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from learnloop.adapters.lti.launch import LaunchRefused

__all__ = ["ToolKey", "new_tool_key", "platform_key", "public_jwks"]

# RSA modulus length for the tool's key: 2048 bits is what LTI 1.3 platforms expect and accept
# (NIST SP 800-57: adequate until 2030).
RSA_BITS = 2048


class ToolKey:
    """One tool key: its ``kid`` and private key in PEM (PKCS#8, unencrypted: stored in the
    database, never in files of the repository)."""

    def __init__(self, kid: str, private_pem: str) -> None:
        self.kid = kid
        self.private_pem = private_pem

    def public_jwk(self) -> dict[str, Any]:
        private = serialization.load_pem_private_key(self.private_pem.encode(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("the tool key is not an RSA key")
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
        jwk.pop("key_ops", None)  # "use" says it; RFC 7517 4.3 advises against both
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


def new_tool_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return ToolKey(secrets.token_urlsafe(12), pem)


def public_jwks(keys: list[ToolKey]) -> dict[str, Any]:
    """The JWKS document for the tool's keys (served at /lti/jwks)."""
    return {"keys": [k.public_jwk() for k in keys]}


def platform_key(jwks: dict[str, Any], kid: str) -> Any | None:
    """The public key ``kid`` names in the platform's JWKS, or None when it holds no such RSA
    signing key (the caller may fetch the JWKS again: platforms rotate keys)."""
    if not isinstance(jwks.get("keys"), list):
        raise LaunchRefused("jwks", "the platform's key set has no list of keys")
    if not jwks["keys"]:
        return None
    try:
        keyset = jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        raise LaunchRefused("jwks", f"the platform's key set is not a JWKS ({exc})") from None
    for key in keyset.keys:
        if key.key_id == kid and key.key_type == "RSA" and key.public_key_use in (None, "sig"):
            return key.key
    return None
