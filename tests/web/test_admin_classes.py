"""The admin sets a class up on the pages: create it, add people (a typo adds nobody), remove one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World


def test_create_fill_and_trim_a_class(clients: dict[str, TestClient], sqlite_world: World) -> None:
    admin = clients["admin"]
    token = admin.cookies["ll_csrf"]
    home = admin.get("/admin").text
    assert 'action="/admin/classes"' in home
    r = admin.post(
        "/admin/classes", data={"csrf_token": token, "name": "9A", "course": "fractions"}
    )
    assert r.status_code == 303
    page_url = r.headers["location"]
    duplicate = admin.post(
        "/admin/classes", data={"csrf_token": token, "name": "9A", "course": "fractions"}
    )
    assert duplicate.status_code == 400
    assert "a class named &#39;9A&#39; exists" in duplicate.text

    typo = admin.post(f"{page_url}/members", data={"csrf_token": token, "usernames": "lea\nomr"})
    assert typo.status_code == 400
    assert "no account named omr: nobody added" in typo.text
    assert "lea\nomr</textarea>" in typo.text  # what was typed stays, to correct it
    assert "Nobody yet." in admin.get(page_url).text

    ok = admin.post(f"{page_url}/members", data={"csrf_token": token, "usernames": "lea, omar"})
    assert ok.status_code == 303
    page = admin.get(ok.headers["location"]).text
    assert "Added 2 people" in page
    assert "<td>lea</td>" in page
    assert "<td>omar</td>" in page
    remove = admin.post(
        f"{page_url}/members/{sqlite_world.learner.user_id}/remove", data={"csrf_token": token}
    )
    assert remove.status_code == 303
    after = admin.get(remove.headers["location"]).text
    assert "Removed lea from the class" in after
    assert "<td>lea</td>" not in after
    assert "class.member_removed" in admin.get("/admin").text
