"""A course's file edited in the browser by an admin: listed on the course page, opened at the
question a learner reported, refused with its file and line when it breaks the course (the text
kept in the editor), saved as a new version whose stale answers the course page offers to grade
again, and refused over a change made since."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from learnloop.content.course_sources import source_texts, starter_text
from learnloop.services.courses import import_course
from learnloop.services.demo_practice import answer_for
from learnloop.services.item_reports import report_item
from learnloop.services.learning import record_attempt
from tests.conftest import DEMO_COURSE, World, demo_media
from tests.web.conftest import post

ITEMS = "items/01-parts.yaml"
BASE = re.compile(r'name="base" value="([0-9a-f]{64})"')
KEY = "    - text: No, because the parts are not equal\n      correct: true\n"


def _keep_sources(world: World) -> None:
    import_course(world.db, world.course, media=demo_media(world.course),
                  sources=source_texts(DEMO_COURSE))  # fmt: skip


def _opened(admin: TestClient, path: str = ITEMS) -> tuple[str, str]:
    page = admin.get(f"/admin/courses/fractions/files/{path}")
    assert page.status_code == 200, page.text[:300]
    base = BASE.search(page.text)
    assert base
    return base.group(1), (DEMO_COURSE / path).read_text(encoding="utf-8")


def test_an_admin_fixes_a_reported_key_in_its_file(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w, admin = sqlite_world, clients["admin"]
    _keep_sources(w)
    record_attempt(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                   response=answer_for(w.course, "pw-3", True))  # fmt: skip
    report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                kind="answer-key", comment="the second choice is right")  # fmt: skip
    course = admin.get("/admin/courses/fractions")
    assert f'href="/admin/courses/fractions/files/{ITEMS}"' in course.text
    fix = re.search(r'href="(/admin/courses/fractions/files/[^"]+item=pw-3)"', course.text)
    assert fix, "the report links to where its question is written"
    at = admin.get(fix.group(1).replace("&amp;", "&"))
    assert "The question <code>pw-3</code> starts at line 33." in at.text

    base, text = _opened(admin)
    broken = post(admin, f"/admin/courses/fractions/files/{ITEMS}", base=base,
                  text=text.replace("  type: numeric\n", "  type: essay\n", 1))  # fmt: skip
    assert broken.status_code == 400  # type: ignore[attr-defined]
    assert f"{ITEMS}:" in broken.text  # type: ignore[attr-defined]
    assert "type: essay" in broken.text  # type: ignore[attr-defined]  # the text as sent, kept
    assert admin.get(f"/admin/courses/fractions/files/{ITEMS}").text.count("type: essay") == 0

    fixed = text.replace(KEY, "    - text: No, because the parts are not equal\n").replace(
        "    - text: Yes, because 1 of 4 parts is shaded\n",
        "    - text: Yes, because 1 of 4 parts is shaded\n      correct: true\n", 1)  # fmt: skip
    saved = post(admin, f"/admin/courses/fractions/files/{ITEMS}", base=base,
                 text=fixed.replace("\n", "\r\n"))  # fmt: skip
    assert saved.status_code == 200  # type: ignore[attr-defined]
    assert f"Your change to <code>{ITEMS}</code> is saved." in saved.text  # type: ignore[attr-defined]
    assert "1 answer grades differently with the new questions" in saved.text  # type: ignore[attr-defined]
    assert "Learners reported 1 of the questions this version changes" in saved.text  # type: ignore[attr-defined]
    again = post(admin, f"/admin/courses/fractions/files/{ITEMS}", base=base, text=text)
    assert again.status_code == 409  # type: ignore[attr-defined]  # saved over the change since
    assert "someone changed" in again.text  # type: ignore[attr-defined]


def test_a_french_admin_reads_the_editor_in_french(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    _keep_sources(sqlite_world)
    admin = clients["admin"]
    admin.cookies.set("lang", "fr")
    page = admin.get("/admin/courses/fractions/files/course.yaml")
    assert "Vérifier et enregistrer comme nouvelle version" in page.text


def test_a_script_reads_and_changes_a_file_through_the_api(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    _keep_sources(sqlite_world)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    listed = client.get("/api/v1/admin/courses/fractions/files", headers=admin).json()
    assert {"course.yaml", ITEMS} <= {f["path"] for f in listed}
    got = client.get(f"/api/v1/admin/courses/fractions/files/{ITEMS}", headers=admin).json()
    assert got["text"] == (DEMO_COURSE / ITEMS).read_text(encoding="utf-8")
    url = f"/api/v1/admin/courses/fractions/files/{ITEMS}"
    broken = client.put(url, headers=admin, json={
        "text": got["text"].replace("  type: numeric\n", "  type: essay\n", 1), "base": got["digest"],
    })  # fmt: skip
    assert broken.status_code == 400
    assert ITEMS in {issue["file"] for issue in broken.json()["issues"]}
    done = client.put(url, headers=admin,
                      json={"text": got["text"] + "# checked\n", "base": got["digest"]})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "unchanged"  # a comment: the questions are the same
    stale = client.put(url, headers=admin, json={"text": got["text"], "base": got["digest"]})
    assert stale.status_code == 409
    new = "activities/more-parts.md"
    made = client.put(f"/api/v1/admin/courses/fractions/files/{new}", headers=admin,
                      json={"text": starter_text(new, "parts-of-a-whole"), "base": "new"})  # fmt: skip
    assert made.status_code == 200, made.text
    assert made.json()["activities"] == len(sqlite_world.course.activities) + 1
    digest = client.get(f"/api/v1/admin/courses/fractions/files/{new}", headers=admin).json()[
        "digest"
    ]
    gone = client.delete(
        f"/api/v1/admin/courses/fractions/files/{new}?base={digest}", headers=admin
    )
    assert gone.status_code == 200
    assert gone.json()["activities"] == len(sqlite_world.course.activities)
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    assert client.get(url, headers=teacher).status_code == 403


def test_an_admin_adds_an_activity_from_the_course_page_and_takes_it_out_again(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    _keep_sources(sqlite_world)
    admin = clients["admin"]
    refused = admin.get("/admin/courses/fractions/new-file?path=notes.txt")
    assert refused.status_code == 400
    assert "a new file is activities/NAME.md or items/NAME.yaml" in refused.text
    existing = admin.get(f"/admin/courses/fractions/new-file?path={ITEMS}")
    assert existing.headers["location"] == f"/admin/courses/fractions/files/{ITEMS}"
    path = "activities/halves-in-the-kitchen.md"
    page = admin.get(f"/admin/courses/fractions/new-file?path={path}")
    assert page.status_code == 200
    assert 'name="base" value="new"' in page.text
    assert "objectives: [" in page.text  # the shape of an activity, ready to fill in
    text = re.search(r'<textarea id="text"[^>]*>\n(.*?)</textarea>', page.text, re.S)
    assert text
    body = html.unescape(text.group(1)).replace("A title learners read", "Halves in the kitchen")
    saved = post(admin, f"/admin/courses/fractions/files/{path}", base="new", text=body)
    assert saved.status_code == 200, saved.text[:500]  # type: ignore[attr-defined]
    assert f'href="/admin/courses/fractions/files/{path}"' in saved.text  # type: ignore[attr-defined]
    assert "Halves in the kitchen" in clients["learner"].get("/learn/progress").text
    base = BASE.search(admin.get(f"/admin/courses/fractions/files/{path}").text)
    assert base
    removed = admin.post("/admin/courses/fractions/remove-file", data={
        "csrf_token": admin.cookies["ll_csrf"], "path": path, "base": base.group(1)})  # fmt: skip
    assert removed.status_code == 200
    assert f"<code>{path}</code> is no longer part of the course" in removed.text
    assert admin.get(f"/admin/courses/fractions/files/{path}").status_code == 404
