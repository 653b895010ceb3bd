"""Signed statements (xAPI 1.0.3 Data 2.6; 2.0.0 section 4.2.7): a JWS in an attachment.

A signed statement carries, as an attachment with usageType ``SIGNATURE_USAGE`` and content type
application/octet-stream, a JWS compact serialization (RFC 7515) whose payload is the statement
as it was before the signature was added. The LRS rejects, with 400, a signature that is not a
JWS, that is not RS256, RS384 or RS512, whose payload is not a JSON statement logically equivalent
to the one received, or that does not verify against the X.509 certificate in its ``x5c`` header
when it carries one. The ``cryptography`` package verifies the RSA signature.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from learnloop.adapters.xapi.statements import compared_durations, normalised

__all__ = ["SIGNATURE_USAGE", "InvalidSignatureError", "check_signature"]

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512,
}  # fmt: skip
# What the LRS sets or may normalise when it stores a statement: not part of the comparison.
_SET_BY_LRS = ("authority", "stored", "version")


class InvalidSignatureError(ValueError):
    pass


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidSignatureError("is not base64url") from None


def _unsigned(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as it was before the signature was added, without what the LRS sets."""
    out = {k: v for k, v in statement.items() if k not in _SET_BY_LRS}
    kept = [a for a in out.get("attachments", []) if a.get("usageType") != SIGNATURE_USAGE]
    if kept:
        out["attachments"] = kept
    else:
        out.pop("attachments", None)
    return out


def _equivalent(signed: dict[str, Any], received: dict[str, Any]) -> bool:
    a = normalised(_unsigned(compared_durations(signed)))
    b = normalised(_unsigned(compared_durations(received)))
    for optional in ("id", "timestamp"):  # the LRS fills them in if the client did not
        if optional not in a or optional not in b:
            a.pop(optional, None)
            b.pop(optional, None)
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def check_signature(statement: dict[str, Any], jws: bytes) -> None:
    """Raise ``InvalidSignatureError`` unless ``jws`` is a valid signature of ``statement``."""
    try:
        header_part, payload_part, signature_part = jws.decode("ascii").strip().split(".")
    except (UnicodeDecodeError, ValueError):
        raise InvalidSignatureError("is not a JWS compact serialization") from None
    try:
        header = json.loads(_b64url(header_part))
        payload = json.loads(_b64url(payload_part))
    except ValueError:
        raise InvalidSignatureError("the JWS header or payload is not JSON") from None
    if not isinstance(header, dict) or header.get("alg") not in _HASHES:
        raise InvalidSignatureError("the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict):
        raise InvalidSignatureError("the JWS payload must be the signed statement")
    if not _equivalent(payload, statement):
        raise InvalidSignatureError("the signed statement differs from the statement sent")
    if "x5c" in header:
        _verify(header, f"{header_part}.{payload_part}".encode("ascii"), _b64url(signature_part))


def _verify(header: dict[str, Any], signed: bytes, signature: bytes) -> None:
    chain = header["x5c"]
    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        raise InvalidSignatureError("x5c must be a list of base64 certificates")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (binascii.Error, ValueError):
        raise InvalidSignatureError("the x5c certificate cannot be read") from None
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidSignatureError("the x5c certificate does not hold an RSA key")
    try:
        key.verify(signature, signed, padding.PKCS1v15(), _HASHES[header["alg"]]())
    except InvalidSignature:
        raise InvalidSignatureError("does not verify against its x5c certificate") from None
