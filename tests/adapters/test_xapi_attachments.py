"""multipart/mixed parsing, attachment matching and signed statements, without HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from learnloop.adapters.xapi import InvalidStatement
from learnloop.adapters.xapi.attachments import (
    AttachmentContent,
    match_attachments,
    split_request,
)
from learnloop.adapters.xapi.multipart import (
    InvalidMultipart,
    build_multipart,
    parse_multipart,
    sha2_matches,
)
from learnloop.adapters.xapi.signature import (
    SIGNATURE_USAGE,
    InvalidSignatureError,
    check_signature,
)

STATEMENT: dict[str, Any] = {
    "actor": {"mbox": "mailto:ann@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
    "object": {"id": "https://example.com/quiz/1"},
    "result": {"duration": "PT1.25S"},
}
MIXED = "multipart/mixed; boundary=abc123"


def attachment(content: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "usageType": "https://example.com/usage/essay", "display": {"en": "Essay"},
        "contentType": "text/plain", "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(), **extra,
    }  # fmt: skip


def body(*parts: tuple[str, bytes]) -> bytes:
    out = b"preamble to ignore\r\n"
    for headers, content in parts:
        out += b"--abc123\r\n" + headers.encode() + b"\r\n\r\n" + content + b"\r\n"
    return out + b"--abc123--\r\n"


def part(content: bytes, *, sha2: str | None = None, encoding: str = "binary") -> tuple[str, bytes]:
    headers = ["Content-Type: text/plain", f"Content-Transfer-Encoding: {encoding}"]
    if sha2 != "":
        headers.append(f"X-Experience-API-Hash: {sha2 or hashlib.sha256(content).hexdigest()}")
    return "\r\n".join(headers), content


def test_parts_are_cut_byte_for_byte() -> None:
    content = b"line one\r\nline two\n\x00\xff binary\r\n"
    raw = body(("Content-Type: application/json", b"{}"), part(content))
    parts = parse_multipart(raw, MIXED)
    assert [p.content_type for p in parts] == ["application/json", "text/plain"]
    assert parts[1].body == content
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(content).hexdigest()


def test_build_and_parse_agree() -> None:
    payload, content_type = build_multipart(
        [({"Content-Type": "application/json"}, b'{"a": 1}'), ({"X-A": "b"}, b"\r\n\r\nx")]
    )
    parts = parse_multipart(payload, content_type)
    assert [p.body for p in parts] == [b'{"a": 1}', b"\r\n\r\nx"]
    assert parts[1].headers == {"x-a": "b"}


@pytest.mark.parametrize(
    ("raw", "content_type", "field"),
    [
        (b"--abc123\r\n\r\n{}\r\n--abc123--", "multipart/mixed", "Content-Type"),
        (b"--other\r\n\r\n{}\r\n--other--", MIXED, "body"),
        (b"--abc123\r\nContent-Type: application/json\r\n\r\n{}", MIXED, "body"),
        (b"--abc123\r\nno colon here\r\n\r\n{}\r\n--abc123--", MIXED, "part 0"),
        (b"--abc123--", MIXED, "body"),
    ],
)
def test_malformed_bodies_name_what_is_wrong(raw: bytes, content_type: str, field: str) -> None:
    with pytest.raises(InvalidMultipart) as info:
        parse_multipart(raw, content_type)
    assert info.value.path == field


def test_every_sha2_length_is_checked() -> None:
    for name in ("sha224", "sha256", "sha384", "sha512"):
        assert sha2_matches(b"x", hashlib.new(name, b"x").hexdigest())
    assert not sha2_matches(b"y", hashlib.sha256(b"x").hexdigest())
    assert not sha2_matches(b"x", "0" * 40)  # a SHA-1 length is not a SHA-2


def test_split_request_reads_statements_and_parts() -> None:
    good = body(("Content-Type: application/json", b"[]"), part(b"essay"))
    statements, contents = split_request(parse_multipart(good, MIXED))
    assert statements == []
    assert list(contents) == [hashlib.sha256(b"essay").hexdigest()]


JSON_PART = ("Content-Type: application/json", b"[]")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (body(part(b"essay")), "part 0"),  # the statements must come first
        (body(("Content-Type: application/json", b"[oops"), part(b"e")), "part 0"),
        (body(JSON_PART, part(b"e", sha2="")), "part 1"),  # no X-Experience-API-Hash
        (body(JSON_PART, part(b"e", sha2="ab" * 32)), "part 1"),  # the hash of other bytes
        (body(JSON_PART, part(b"e", encoding="8bit")), "part 1"),  # not binary
    ],
)
def test_split_request_refuses_parts_that_break_the_rules(raw: bytes, field: str) -> None:
    with pytest.raises(InvalidMultipart) as info:
        split_request(parse_multipart(raw, MIXED))
    assert info.value.path == field


def contents_of(*blobs: bytes) -> dict[str, AttachmentContent]:
    return {
        hashlib.sha256(b).hexdigest(): AttachmentContent(
            hashlib.sha256(b).hexdigest(), "text/plain", b
        )
        for b in blobs
    }


def test_attachments_are_matched_to_their_parts() -> None:
    with_part = {**STATEMENT, "attachments": [attachment(b"essay")]}
    by_url = {**STATEMENT, "attachments": [attachment(b"far", fileUrl="https://example.com/f")]}
    kept = match_attachments([with_part, by_url], ["s[0]", "s[1]"], contents_of(b"essay"))
    assert [a.content for a in kept] == [b"essay"]
    with pytest.raises(InvalidStatement) as missing:
        match_attachments([with_part], ["statement"], {})
    assert missing.value.path == "statement.attachments[0].sha2"
    with pytest.raises(InvalidStatement) as excess:
        match_attachments([by_url], ["statement"], contents_of(b"stray"))
    assert excess.value.path == "X-Experience-API-Hash"


KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: Any, alg: str = "RS256", *, x5c: bool = False, certified: Any = KEY) -> bytes:
    header: dict[str, Any] = {"alg": alg}
    if x5c:
        header["x5c"] = [
            base64.b64encode(
                certificate(certified).public_bytes(serialization.Encoding.DER)
            ).decode()
        ]
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    digest = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
    signature = KEY.sign(
        signing_input.encode(), padding.PKCS1v15(), digest.get(alg, hashes.SHA256)()
    )
    return f"{signing_input}.{b64url(signature)}".encode()


def certificate(key: Any) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "learnloop test signer")])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )  # fmt: skip


def signed(statement: dict[str, Any], signature: bytes) -> dict[str, Any]:
    meta = {
        "usageType": SIGNATURE_USAGE, "display": {"en": "signature"},
        "contentType": "application/octet-stream", "length": len(signature),
        "sha2": hashlib.sha256(signature).hexdigest(),
    }  # fmt: skip
    return {**statement, "attachments": [*statement.get("attachments", []), meta]}


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_signature_of_the_statement_is_accepted(alg: str) -> None:
    signature = jws(STATEMENT, alg, x5c=True)
    check_signature(signed(STATEMENT, signature), signature)


OTHER = {**STATEMENT, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
GOOD = jws(STATEMENT, x5c=True).decode()
HEAD, _, SIGNATURE = GOOD.split(".")
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("statement", "signature"),
    [
        (STATEMENT, jws(STATEMENT, "HS256")),
        (OTHER, jws(STATEMENT)),  # signs another statement
        (STATEMENT, b"not.a-jws"),
        (STATEMENT, f"{HEAD}.{b64url(b'{oops')}.{SIGNATURE}".encode()),  # payload not JSON
        (OTHER, f"{HEAD}.{b64url(json.dumps(OTHER).encode())}.{SIGNATURE}".encode()),  # tampered
        (STATEMENT, jws(STATEMENT, x5c=True, certified=STRANGER)),  # another key's certificate
    ],
    ids=["HS256", "other-statement", "not-jws", "payload-not-json", "tampered", "other-key"],
)
def test_signatures_that_do_not_hold_are_refused(
    statement: dict[str, Any], signature: bytes
) -> None:
    with pytest.raises(InvalidSignatureError):
        check_signature(signed(statement, signature), signature)


def test_the_comparison_ignores_what_the_lrs_sets_and_durations_past_hundredths() -> None:
    signature = jws(STATEMENT)
    received = signed({**STATEMENT, "result": {"duration": "PT1.2537S"}}, signature)
    check_signature({**received, "authority": {"mbox": "mailto:lrs@example.com"}}, signature)
    with pytest.raises(InvalidSignatureError):
        check_signature(
            signed({**STATEMENT, "result": {"duration": "PT1.26S"}}, signature), signature
        )
