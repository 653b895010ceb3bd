"""A class's life through the pages and the API: the admin renames a class and ends it; its
teacher finds it apart, readable, with nothing to start in it; its learner sees it ended; the
admin reopens it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World
from tests.web.conftest import post


def test_an_admin_ends_a_class_and_its_teacher_and_learner_see_it(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    admin, teacher, lea = clients["admin"], clients["educator"], clients["learner"]
    learner_page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    forms = {  # what starts something new, on the class's other pages
        f"/teach/classes/{w.class_id}/groups": ("/groups/new",),
        learner_page: ("/assign", f"/learners/{w.learner.user_id}/feedback"),
    }
    for page, actions in forms.items():  # while it runs
        shown = teacher.get(page).text
        for action in actions:
            assert f'action="/teach/classes/{w.class_id}{action}"' in shown, (page, action)
    page = admin.get(f"/admin/classes/{w.class_id}").text
    assert "End the class" in page
    assert "Reopen the class" not in page
    ended = post(admin, f"/admin/classes/{w.class_id}/end")
    assert ended.status_code == 303  # type: ignore[attr-defined]
    page = admin.get(f"/admin/classes/{w.class_id}").text
    assert "This class ended on" in page
    assert "Reopen the class" in page
    assert "<em>ended " in admin.get("/admin").text

    classes = teacher.get("/teach").text
    assert "1 class has ended" in classes
    assert classes.index("1 class has ended") < classes.index(f'href="/teach/classes/{w.class_id}"')
    overview = teacher.get(f"/teach/classes/{w.class_id}").text
    assert "This class ended on" in overview
    assert "/join-code" not in overview  # no code to open
    refused = post(teacher, f"/teach/classes/{w.class_id}/assign", activity="parts-read",
                   learner_id=str(w.learner.user_id))  # fmt: skip
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "7B has ended: an admin can reopen it" in refused.text  # type: ignore[attr-defined]
    assert "· ended " in lea.get("/account/data").text
    listed = teacher.get(f"/teach/classes/{w.class_id}/assignments").text
    assert "nothing new is assigned in it" in listed
    assert f'action="/teach/classes/{w.class_id}/assign"' not in listed
    for page, actions in forms.items():
        shown = teacher.get(page).text
        assert "The class has ended" in shown or "This class ended on" in shown, page
        for action in actions:
            assert f'action="/teach/classes/{w.class_id}{action}"' not in shown, (page, action)

    again = post(admin, f"/admin/classes/{w.class_id}/end")
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert "7B has ended already" in again.text  # type: ignore[attr-defined]
    reopened = post(admin, f"/admin/classes/{w.class_id}/reopen")
    assert reopened.status_code == 303  # type: ignore[attr-defined]
    assert "has ended" not in teacher.get("/teach").text
    assert "/join-code" in teacher.get(f"/teach/classes/{w.class_id}").text


def test_an_admin_renames_a_class_to_a_free_name(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    admin = clients["admin"]
    taken = post(admin, f"/admin/classes/{w.class_id}/rename", name="8C")
    assert taken.status_code == 400  # type: ignore[attr-defined]
    assert "a class named &#39;8C&#39; exists" in taken.text  # type: ignore[attr-defined]
    assert 'value="8C"' in taken.text  # type: ignore[attr-defined]  # what was typed stays
    done = post(admin, f"/admin/classes/{w.class_id}/rename", name="7B (2026)")
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "<h1>7B (2026)" in admin.get(f"/admin/classes/{w.class_id}").text
    assert "7B (2026)" in clients["educator"].get("/teach").text


def test_the_api_twins(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    renamed = client.post(f"/api/v1/admin/classes/{w.class_id}/rename", headers=admin,
                          json={"name": " Year  7B "})  # fmt: skip
    assert renamed.json() == {"id": w.class_id, "name": "Year 7B"}
    assert client.post(f"/api/v1/admin/classes/{w.class_id}/end", headers=admin).status_code == 204
    [mine] = client.get("/api/v1/classes", headers=teacher).json()
    assert mine["ended_at"] is not None
    report = client.get(f"/api/v1/classes/{w.class_id}/report", headers=teacher).json()
    assert report["ended_at"] == mine["ended_at"]
    refused = client.post(f"/api/v1/classes/{w.class_id}/feedback", headers=teacher,
                          json={"learner_ids": [w.learner.user_id], "body": "Hi"})  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["field"] == "class"
    members = client.get(f"/api/v1/admin/classes/{w.class_id}/members", headers=admin).json()
    assert members["ended_at"] == mine["ended_at"]
    again = client.post(f"/api/v1/admin/classes/{w.class_id}/end", headers=admin)
    assert again.status_code == 400
    assert again.json()["field"] == "class"
    assert (
        client.post(f"/api/v1/admin/classes/{w.class_id}/reopen", headers=admin).status_code == 204
    )
    [mine] = client.get("/api/v1/classes", headers=teacher).json()
    assert mine["ended_at"] is None


def test_an_admin_deletes_an_ended_class_with_its_name_typed_again(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    admin = clients["admin"]
    assert "Delete the class" not in admin.get(f"/admin/classes/{w.class_id}").text  # it runs
    post(admin, f"/admin/classes/{w.class_id}/end")
    page = admin.get(f"/admin/classes/{w.class_id}").text
    assert "<title>Members · 7B · learnloop</title>" in page
    assert page.count(f'action="/admin/classes/{w.class_id}/delete"') == 1
    mistyped = post(admin, f"/admin/classes/{w.class_id}/delete", confirm="7C")
    assert mistyped.status_code == 400  # type: ignore[attr-defined]
    assert "type the class&#39;s name again to confirm" in mistyped.text  # type: ignore[attr-defined]
    done = post(admin, f"/admin/classes/{w.class_id}/delete", confirm="7B")
    assert done.status_code == 200  # type: ignore[attr-defined]
    assert "Deleted the class 7B and 3 records that belonged to it." in done.text  # type: ignore[attr-defined]
    assert admin.get(f"/admin/classes/{w.class_id}").status_code == 404
    assert clients["educator"].get(f"/teach/classes/{w.class_id}").status_code == 404
