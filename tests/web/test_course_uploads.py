"""An administrator adds and updates courses from the admin page and the API: the zip is checked,
problems are listed with file and line and change nothing, an update says how many answers grade
differently and the administrator grades them again; bodies past their limit are refused with 413
on every page and API route, in the reader's language, while the LRS keeps its own limit."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.config import Settings
from learnloop.content import load_course
from learnloop.content.course_archive import unpack_course_archive
from learnloop.content.course_sources import source_texts
from learnloop.services.item_reports import report_item
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import create_client
from learnloop.storage.tables import Attempt, Course, SchoolClass
from learnloop.web.app import create_app
from tests.conftest import DEMO_COURSE, World
from tests.content.test_course_archive import zipped
from tests.services.test_course_uploads import INTEGERS, demo_with_pw3_key_moved
from tests.web.conftest import role_client, role_token
from tests.web.test_xapi import VALID, basic

ZIP = "application/zip"


def send(client: TestClient, data: bytes, name: str = "course.zip") -> Any:
    """The admin page's course form, as a browser sends it (multipart, with the CSRF token)."""
    return client.post(
        "/admin/courses",
        data={"csrf_token": client.cookies["ll_csrf"]},
        files={"archive": (name, data, ZIP)},
    )


def course_hashes(world: World) -> dict[str, str]:
    with world.db.reading() as s:
        return dict(s.execute(select(Course.slug, Course.content_hash)).all())


def test_the_admin_page_adds_a_course_and_lists_the_problems_of_a_broken_one(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path
) -> None:
    admin = clients["admin"]
    page = admin.get("/admin")
    assert 'action="/admin/courses" enctype="multipart/form-data"' in page.text
    added = send(admin, zipped(INTEGERS, prefix="integers/"), "integers.zip")
    assert added.status_code == 200, added.text[:400]
    assert "The course was added." in added.text
    assert "3 objectives" in added.text
    assert "integers" in course_hashes(sqlite_world)
    assert "/admin/courses/integers" in admin.get("/admin").text

    broken = demo_with_pw3_key_moved(tmp_path)
    (broken / "activities" / "parts-practice.md").write_text("---\ntitle: [unclosed\n---\n")
    before = course_hashes(sqlite_world)
    refused = send(admin, zipped(broken))
    assert refused.status_code == 400
    assert "Nothing was changed: the course has" in refused.text
    assert "<code>activities/parts-practice.md:" in refused.text
    assert course_hashes(sqlite_world) == before

    empty = send(admin, b"", "")
    assert empty.status_code == 400
    assert "choose the zip of a course folder to send" in empty.text
    not_zip = send(admin, b"slug: x\n", "course.yaml")
    assert "<code>course.yaml:0: not a zip file</code>" in not_zip.text


def test_an_update_offers_to_grade_the_changed_answers_again_and_does_it(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path
) -> None:
    for response in ("a", "b"):
        record_attempt(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                       item_key="pw-3", response=response)  # fmt: skip
    report_item(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                item_key="pw-3", kind="answer-key", comment="b is right")  # fmt: skip
    admin = clients["admin"]
    updated = send(admin, zipped(demo_with_pw3_key_moved(tmp_path)))
    text = updated.text
    assert (
        "Learners reported 1 of the questions this version changes: <code>pw-3</code> (1 report "
        'waits). <a href="#reports">Answer them below</a>.'
    ) in text
    assert "The course was updated to the version sent." in text
    assert "2 answers grade differently with the new questions (1 learner)" in text
    assert 'action="/admin/courses/fractions/regrade"' in text
    regraded = admin.post("/admin/courses/fractions/regrade",
                          data={"csrf_token": admin.cookies["ll_csrf"]})  # fmt: skip
    assert regraded.status_code == 200
    assert "2 answers graded again (1 now right)" in regraded.text
    with sqlite_world.db.reading() as s:
        assert s.scalars(select(Attempt.correct).order_by(Attempt.id)).all() == [False, True]
    same = send(admin, zipped(demo_with_pw3_key_moved(tmp_path / "again")))
    assert "nothing changed" in same.text
    assert "/regrade" not in same.text


def test_the_api_adds_updates_and_regrades(
    client: TestClient, sqlite_world: World, tmp_path: Path
) -> None:
    headers = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'admin')}"}
    created = client.post("/api/v1/admin/courses", content=zipped(INTEGERS),
                          headers={**headers, "Content-Type": ZIP})  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": created.json()["id"], "slug": "integers", "title": created.json()["title"],
        "status": "created", "objectives": 3, "activities": created.json()["activities"],
        "items": created.json()["items"], "regrade": None, "reported_changes": [],
    }  # fmt: skip
    again = client.post("/api/v1/admin/courses", content=zipped(INTEGERS),
                        headers={**headers, "Content-Type": ZIP})  # fmt: skip
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")

    record_attempt(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                   item_key="pw-3", response="b")  # fmt: skip
    report_item(sqlite_world.db, sqlite_world.learner, activity_key="parts-practice",
                item_key="pw-3", kind="answer-key", comment="b is right")  # fmt: skip
    updated = client.post("/api/v1/admin/courses",
                          content=zipped(demo_with_pw3_key_moved(tmp_path)),
                          headers={**headers, "Content-Type": ZIP})  # fmt: skip
    assert updated.json()["status"] == "updated"
    assert updated.json()["reported_changes"] == [{"item": "pw-3", "reports": 1}]
    assert updated.json()["regrade"] == {
        "checked": 1, "changed": 1, "now_right": 1, "learners": 1, "mastery_gained": 0,
        "mastery_lost": 0, "applied": False,
    }  # fmt: skip
    done = client.post("/api/v1/admin/courses/fractions/regrade", headers=headers)
    assert (done.status_code, done.json()["changed"], done.json()["applied"]) == (200, 1, True)

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "course.yaml").write_text("slug: broken\ntitle: Broken\nobjectives: 3\n")
    refused = client.post("/api/v1/admin/courses", content=zipped(broken),
                          headers={**headers, "Content-Type": ZIP})  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["issues"]
    assert all(set(i) == {"file", "line", "message"} for i in refused.json()["issues"])
    assert "course.yaml" in {i["file"] for i in refused.json()["issues"]}
    wrong_type = client.post("/api/v1/admin/courses", json={"zip": "no"}, headers=headers)
    assert (wrong_type.status_code, wrong_type.json()["field"]) == (400, "Content-Type")
    assert "broken" not in course_hashes(sqlite_world)


def small_limits_client(world: World, hasher: PasswordHasher, tmp_path: Path) -> TestClient:
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        max_request_bytes=64 * 1024, max_upload_bytes=1024 * 1024,
    )  # fmt: skip
    return TestClient(create_app(settings, database=world.db, hasher=hasher),
                      follow_redirects=False)  # fmt: skip


def test_bodies_past_their_limit_are_refused_with_413(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    app_client = small_limits_client(sqlite_world, hasher, tmp_path)
    with app_client:
        admin = role_client(app_client.app, sqlite_world, "admin")  # type: ignore[arg-type]
        # a form: 100 KB of "notes" on a login is refused before it is acted on
        form = admin.post("/admin/classes", data={"csrf_token": admin.cookies["ll_csrf"],
                                                   "name": "x" * 100_000, "course": "fractions"})  # fmt: skip
        assert form.status_code == 413
        assert "What was sent is larger than this server takes (64 KiB)." in form.text
        admin.post("/language", data={"csrf_token": admin.cookies["ll_csrf"], "lang": "fr"})
        french = admin.post("/admin/classes", data={"csrf_token": admin.cookies["ll_csrf"],
                                                     "name": "x" * 100_000})  # fmt: skip
        assert french.status_code == 413
        assert "plus grand que ce que ce serveur accepte" in french.text
        # an upload may be larger than a form, up to its own limit
        course = send(admin, zipped(INTEGERS))
        assert course.status_code == 200
        too_big = send(admin, b"\0" * (1024 * 1024 + 1))
        assert too_big.status_code == 413
        # the API answers in JSON, whether the length is declared or streamed
        headers = {"Authorization": f"Bearer {role_token(app_client, sqlite_world, 'admin')}"}
        declared = app_client.post("/api/v1/admin/classes", headers=headers,
                                   content=json.dumps({"name": "x" * 100_000, "course": "fractions"}))  # fmt: skip
        assert declared.status_code == 413
        assert "larger than this server takes (65536 bytes)" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield b" " * 8192

        streamed = app_client.post("/api/v1/admin/courses", content=chunks(),
                                   headers={**headers, "Content-Type": ZIP})  # fmt: skip
        assert streamed.status_code == 400  # 160 KB is within the upload limit: not a zip
        streamed = app_client.post("/api/v1/admin/classes", content=chunks(),
                                   headers={**headers, "Content-Type": "application/json"})  # fmt: skip
        assert streamed.status_code == 413
        # the LRS keeps its own limit: a 100 KB statement is stored
        writer = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)
        statement = {**VALID[0], "result": {"response": "y" * 100_000}}
        stored = app_client.post("/xapi/statements", json=statement,
                                 headers=basic(writer.key, writer.secret))  # fmt: skip
        assert stored.status_code == 200, stored.text
    with sqlite_world.db.reading() as s:  # neither refused form made its class
        assert s.scalars(select(SchoolClass.name)).all() == ["7B", "8C"]


def test_a_course_downloads_as_its_folder_and_goes_back_unchanged(
    clients: dict[str, TestClient], sqlite_world: World, tmp_path: Path
) -> None:
    admin = clients["admin"]
    # the world's demo was imported without its files (as by an older learnloop): none to give
    page = admin.get("/admin/courses/fractions")
    assert "/admin/courses/fractions/source.zip" not in page.text
    none_yet = admin.get("/admin/courses/fractions/source.zip")
    assert none_yet.status_code == 404
    assert "import it once more from its folder" in none_yet.text

    folder = tmp_path / "fractions"
    shutil.copytree(DEMO_COURSE, folder)
    (folder / "course.yaml").write_text(
        "# kept for the next author\n" + (folder / "course.yaml").read_text()
    )
    again = send(admin, zipped(folder, prefix="fractions/"))
    assert "nothing changed" in again.text  # only a comment: learners see the same course
    assert 'href="/admin/courses/fractions/source.zip"' in again.text
    got = admin.get("/admin/courses/fractions/source.zip")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="fractions.zip"'
    assert admin.get("/admin/courses/fractions/source.zip").content == got.content  # stable
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    root = unpack_course_archive(got.content, unpacked, name="fractions.zip")
    assert (root / "course.yaml").read_text().startswith("# kept for the next author\n")
    assert source_texts(root) == source_texts(folder)
    assert sorted(p.relative_to(root / "media").as_posix() for p in (root / "media").rglob("*")
                  if p.is_file()) == sorted(sqlite_world.course.media)  # fmt: skip
    assert load_course(root).items == load_course(folder).items
    back = send(admin, got.content, "fractions.zip")
    assert "The version sent is the one stored already: nothing changed." in back.text

    headers = {"Authorization": f"Bearer {role_token(admin, sqlite_world, 'admin')}"}
    api = admin.get("/api/v1/admin/courses/fractions/source.zip", headers=headers)
    assert (api.status_code, api.content) == (200, got.content)
    health = admin.get("/api/v1/admin/courses/fractions", headers=headers).json()
    assert health["source_files"] == len(source_texts(folder))
