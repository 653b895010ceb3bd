"""A course's media as the pages serve them: the demo's drawing in its reading, served with its
type, a sandboxing policy for SVG, private caching and an ETag; nothing for anonymous visitors
or for paths the course does not have."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.web.conftest import login

DRAWING = "/media/fractions/three-quarters.svg"


def test_the_demo_reading_shows_its_drawing_served_safely(
    client: TestClient, sqlite_world: World
) -> None:
    assert client.get(DRAWING).status_code == 303  # anonymous: to the login page
    login(client, sqlite_world.learner.username)
    page = client.get("/learn/activities/parts-read")
    assert f'<img src="{DRAWING}"' in page.text
    assert 'alt="A round pizza cut into 4 equal slices, 3 of them shaded"' in page.text
    drawing = client.get(DRAWING)
    assert drawing.status_code == 200
    assert drawing.headers["content-type"] == "image/svg+xml"
    assert drawing.content.startswith(b"<svg")
    assert drawing.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in drawing.headers["content-security-policy"]
    assert "script-src" not in drawing.headers["content-security-policy"]  # default-src 'none'
    assert drawing.headers["cache-control"] == "private, max-age=86400"
    again = client.get(DRAWING, headers={"If-None-Match": drawing.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    for missing in ("/media/fractions/nothing.svg", "/media/no-course/three-quarters.svg",
                    "/media/fractions/%2e%2e/three-quarters.svg"):  # fmt: skip
        assert client.get(missing).status_code == 404, missing  # looked up as a key, never a file
