"""Every link on the pages leads somewhere: on the demo that `make run` loads, each demo role
follows every link of the platform's own pages it can reach from its start page (breadth first,
GET only) and never meets an error page. A link to an activity, a learner, a work or a file that
does not exist, or a page that fails on the demo's data (in English or in French), or whose title
holds markup (a template block left open), fails this test with the page that links to it."""

from __future__ import annotations

import re
import shutil
from collections import deque
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.domain import Course
from learnloop.services.demo import setup_demo
from learnloop.storage import Database
from learnloop.web.app import create_app
from tests.conftest import demo_media
from tests.web.conftest import csrf_of

PASSWORD = "demo-password-links"
HREF = re.compile(r'<a [^>]*href="(/[^"]*)"')
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
# Pages each role starts from, and pages its walk must reach (so that the walk is the site, not a
# login page): links lead on from there.
STARTS = {
    "teacher": ("/teach", {"/teach/classes/1/assignments", "/teach/classes/1/activities/parts-read",
                           "/teach/classes/1/items.csv", "/teach/reminders"}),
    "amara": ("/learn", {"/learn/progress", "/learn/reviews", "/learn/activities/parts-practice",
                         "/account/data"}),
    "admin": ("/admin", {"/admin/classes/1", "/teach/classes/1/activities"}),
    "newcomer": ("/learn", {"/learn/progress"}),
}  # fmt: skip
# Links that change something when followed are never GET (forms POST); these GETs are left out
# because they are not pages: the API's schema viewer, and a reminder's one-click stop page,
# which asks before it stops anything (tests/web/test_reminders_pages.py).
SKIP = ("/api/v1/docs", "/reminders/stop")
MAX_PAGES = 400  # the demo's pages number about 150 a role; the cap only stops a runaway


@pytest.fixture(scope="module")
def demo_app(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, demo_course: Course
) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("demo")
    shutil.copyfile(sqlite_template, folder / "learnloop.db")
    db = Database.from_url(f"sqlite:///{folder / 'learnloop.db'}")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    setup_demo(db, hasher, demo_course, password=PASSWORD, media=demo_media(demo_course))
    settings = Settings(database_url="sqlite://", instance_dir=folder, secret_key="test-secret")
    with TestClient(create_app(settings, database=db, hasher=hasher)) as client:
        yield client
    db.dispose()


def _crawl(client: TestClient, start: str) -> dict[str, tuple[int, str]]:
    """Each page reached: its status and the first page that linked to it."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque([(start, "(start)")])
    while queue and len(seen) < MAX_PAGES:
        path, via = queue.popleft()
        if path in seen:
            continue
        response = client.get(path, follow_redirects=True)
        seen[path] = (response.status_code, via)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        title = TITLE.search(response.text)
        if title is None or "<" in title[1]:  # a block left open: the page inside its title
            seen[path] = (0, via)
        for href in HREF.findall(response.text):
            target = urldefrag(unescape(href))[0]
            if target and target not in seen and not target.startswith(SKIP):
                queue.append((target, path))
    return seen


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("user", sorted(STARTS))
def test_every_link_a_demo_user_can_follow_leads_to_a_page(
    demo_app: TestClient, user: str, language: str
) -> None:
    client = demo_app
    client.cookies.clear()
    client.headers["Accept-Language"] = language  # every page in each of the catalogs
    token = csrf_of(client)
    logged_in = client.post(
        "/login", data={"csrf_token": token, "username": user, "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert logged_in.status_code == 303, logged_in.text[:300]
    start, expected = STARTS[user]
    assert f'<html lang="{language}">' in client.get(start, follow_redirects=True).text
    pages = _crawl(client, start)
    broken = {path: found for path, found in pages.items() if found[0] != 200}
    assert broken == {}, broken
    assert len(pages) < MAX_PAGES  # the whole reachable site, not a cut-off part of it
    assert expected <= set(pages), sorted(pages)
