"""Compressed pages (web.compression) and the masked CSRF field that makes compression safe
(web.csrf): what a browser on a slow link gets, and what the LRS never gets."""

from __future__ import annotations

import gzip
import re

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.services.lrs import create_client
from learnloop.web.compression import MINIMUM_SIZE
from learnloop.web.csrf import mask_token, new_csrf_token, unmask_token
from tests.conftest import World
from tests.web.conftest import CSRF
from tests.web.test_xapi import VALID, basic

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def raw_get(
    client: TestClient, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """The response as it crossed the wire: status, headers and the still-encoded body."""
    with client.stream("GET", path, headers=headers) as r:
        return r.status_code, dict(r.headers), b"".join(r.iter_raw())


def without_tokens(html: str) -> str:
    return CSRF.sub('name="csrf_token" value=""', html)


def test_a_page_comes_gzipped_when_the_browser_accepts_it(
    clients: dict[str, TestClient],
) -> None:
    client = clients["educator"]
    status, headers, body = raw_get(client, "/teach/classes/1", GZIP)
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert "Accept-Language" in headers["vary"]
    assert headers["cache-control"] == "no-store"  # the security headers survive
    assert int(headers["content-length"]) == len(body)
    html = gzip.decompress(body).decode()
    _, plain_headers, plain = raw_get(client, "/teach/classes/1", IDENTITY)
    assert "content-encoding" not in plain_headers
    assert without_tokens(html) == without_tokens(plain.decode())
    assert len(body) < len(plain) / 3


def test_small_responses_go_as_they_are(client: TestClient) -> None:
    status, headers, body = raw_get(client, "/healthz", GZIP)
    assert status == 200
    assert len(body) < MINIMUM_SIZE
    assert "content-encoding" not in headers


def test_the_lrs_is_never_compressed(
    client: TestClient, sqlite_world: World, hasher: PasswordHasher
) -> None:
    writer = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)
    auth = basic(writer.key, writer.secret)
    assert client.post("/xapi/statements", json=VALID[:10], headers=auth).status_code == 200
    status, headers, body = raw_get(client, "/xapi/statements", {**auth, **GZIP})
    assert status == 200
    assert len(body) > MINIMUM_SIZE  # large enough that a page would have been compressed
    assert "content-encoding" not in headers
    assert body.startswith(b"{")


def test_a_compressed_static_file_has_a_weak_etag_that_still_revalidates(
    client: TestClient,
) -> None:
    _, plain, _ = raw_get(client, "/static/style.css", IDENTITY)
    _, packed, _ = raw_get(client, "/static/style.css", GZIP)
    assert packed["content-encoding"] == "gzip"
    assert not plain["etag"].startswith("W/")
    assert packed["etag"] == f"W/{plain['etag']}"
    again = client.get("/static/style.css", headers={**GZIP, "If-None-Match": packed["etag"]})
    assert again.status_code == 304


def test_the_csrf_field_differs_on_every_page_and_never_shows_the_token(
    client: TestClient,
) -> None:
    first = CSRF.search(client.get("/login").text)
    second = CSRF.search(client.get("/login").text)
    assert first
    assert second
    cookie = client.cookies["ll_csrf"]
    assert first.group(1) != second.group(1)
    assert cookie not in first.group(1)
    assert cookie not in second.group(1)
    assert unmask_token(first.group(1)) == unmask_token(second.group(1)) == cookie


@pytest.mark.parametrize("how", ["masked field", "other masked field", "the cookie itself"])
def test_any_form_of_the_browsers_own_token_is_accepted(client: TestClient, how: str) -> None:
    field = CSRF.search(client.get("/login").text)
    assert field
    value = {
        "masked field": field.group(1),
        "other masked field": mask_token(client.cookies["ll_csrf"]),
        "the cookie itself": client.cookies["ll_csrf"],
    }[how]
    r = client.post("/login", data={"csrf_token": value, "username": "learner", "password": "no"})
    assert r.status_code == 401  # the form ran: a wrong password, not a refused token
    assert "security token" not in r.text


@pytest.mark.parametrize(
    "value",
    [
        "not base64 at all!",
        "",
        "AAAA",  # decodes, but to no token
        "odd-length-xx",
        "\u00e9t\u00e9.0000",  # not ASCII: refused, never a server error
    ],
)
def test_a_field_that_is_not_the_browsers_token_is_refused(client: TestClient, value: str) -> None:
    client.get("/login")
    r = client.post("/login", data={"csrf_token": value, "username": "learner", "password": "no"})
    assert r.status_code == 403


def test_a_masked_token_of_another_browser_is_refused(client: TestClient, app: FastAPI) -> None:
    client.get("/login")
    with TestClient(app) as other:
        other.get("/login")
        theirs = mask_token(other.cookies["ll_csrf"])
    r = client.post("/login", data={"csrf_token": theirs, "username": "learner", "password": "no"})
    assert r.status_code == 403


def test_masking_round_trips_and_is_fresh_each_time() -> None:
    token = new_csrf_token("key")
    masks = {mask_token(token) for _ in range(20)}
    assert len(masks) == 20
    assert all(unmask_token(m) == token and "." not in m for m in masks)
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", next(iter(masks)))
