"""An administrator connects systems from the connections page and the API: LRS credentials made
(shown once, working at once) and revoked (refused at once), a registration link that registers
nothing until a platform uses it, a platform removed with its name typed twice. Problems are said
in the reader's language and change nothing."""

from __future__ import annotations

import base64
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.services.lti_platforms import PlatformRegistration, register_platform
from learnloop.storage.tables import AuditEvent, LrsClient, LtiInvite, LtiPlatform
from tests.conftest import World
from tests.web.conftest import post, role_token

ABOUT = {"X-Experience-API-Version": "1.0.3"}


def basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {**ABOUT, "Authorization": f"Basic {token}"}


def shown(text: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd><code>([^<]+)</code></dd>", text)
    assert found, text[:2000]
    return found.group(1)


def test_lrs_credentials_are_shown_once_work_and_are_revoked(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    admin = clients["admin"]
    page = admin.get("/admin/connections")
    assert page.status_code == 200
    assert "None yet." in page.text
    made = post(admin, "/admin/lrs-clients", name="  H5P   on the school site ")
    assert made.status_code == 200
    text = made.text
    key, secret = shown(text, "Key (user name)"), shown(text, "Secret (password)")
    assert "http://127.0.0.1:8000/xapi/" in text
    assert admin.get("/xapi/statements", headers=basic(key, secret)).status_code == 200
    listed = admin.get("/admin/connections").text
    assert "<td>H5P on the school site</td>" in listed
    assert secret not in listed  # shown once
    again = post(admin, "/admin/lrs-clients", name="H5P on the school site")
    assert again.status_code == 400
    assert "an LRS client named &#39;H5P on the school site&#39; exists" in again.text
    empty = post(admin, "/admin/lrs-clients", name="   ")
    assert "give it a name" in empty.text
    revoked = post(admin, "/admin/lrs-clients/revoke", name="H5P on the school site")
    assert revoked.status_code == 303
    assert (
        "were revoked: they are refused within a minute at most."
        in admin.get(revoked.headers["location"]).text
    )
    assert admin.get("/xapi/statements", headers=basic(key, secret)).status_code == 401
    unknown = post(admin, "/admin/lrs-clients/revoke", name="nobody")
    assert unknown.status_code == 400
    with sqlite_world.db.reading() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "admin")).all()
    assert actions == ["lrs_client.created", "lrs_client.revoked"]

    admin.post("/language", data={"csrf_token": admin.cookies["ll_csrf"], "lang": "fr"})
    french = post(admin, "/admin/lrs-clients", name="")
    assert "donnez-lui un nom" in french.text


def test_a_registration_link_and_a_platform_removed_with_its_name_twice(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    admin = clients["admin"]
    made = post(admin, "/admin/lti-invites", name="School Moodle", course="fractions")
    link = re.search(r'id="invite-link">[^<]*<code>([^<]+)</code>', made.text)
    assert link, made.text[:1000]
    assert link.group(1).startswith("http://127.0.0.1:8000/lti/register/")
    code = link.group(1).rsplit("/", 1)[1]
    assert code not in admin.get("/admin/connections").text  # shown once
    assert (
        "School Moodle · Fractions, from halves to word problems"
        in admin.get("/admin/connections").text
    )
    bad_course = post(admin, "/admin/lti-invites", name="X", course="nope")
    assert bad_course.status_code == 400
    assert "there is no course &#39;nope&#39;" in bad_course.text

    register_platform(sqlite_world.db, PlatformRegistration(
        name="Old Canvas", issuer="https://canvas.example", client_id="c1",
        auth_login_url="https://canvas.example/login",
        auth_token_url="https://canvas.example/token", deployments=("d1",),
        jwks_url="https://canvas.example/jwks",
    ))  # fmt: skip
    typo = post(admin, "/admin/lti-platforms/remove", name="Old Canvas", confirm="Old canvas")
    assert typo.status_code == 400
    assert "type the platform" in typo.text
    removed = post(admin, "/admin/lti-platforms/remove", name="Old Canvas", confirm="Old Canvas")
    assert removed.status_code == 303
    with sqlite_world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(LtiPlatform)) == 0
        assert s.scalar(select(func.count()).select_from(LtiInvite)) == 1


def test_the_api_makes_lists_and_revokes(client: TestClient, sqlite_world: World) -> None:
    headers = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'admin')}"}
    made = client.post("/api/v1/admin/lrs-clients", json={"name": "Dashboard", "read_only": True},
                       headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["name"], body["can_write"], body["endpoint"]) == (
        "Dashboard", False, "http://127.0.0.1:8000/xapi/",
    )  # fmt: skip
    reader = basic(body["key"], body["secret"])
    assert client.get("/xapi/statements", headers=reader).status_code == 200
    assert client.post("/xapi/statements", json={}, headers=reader).status_code == 403
    invite = client.post("/api/v1/admin/lti-invites", json={"name": "", "course": ""},
                         headers=headers)  # fmt: skip
    assert invite.status_code == 201
    assert invite.json()["expires_in_days"] > 0
    listed = client.get("/api/v1/admin/connections", headers=headers).json()
    assert [(c["name"], c["can_write"], c["revoked_at"]) for c in listed["lrs_clients"]] == [
        ("Dashboard", False, None)
    ]
    assert [i["name"] for i in listed["invites"]] == [""]
    assert client.post("/api/v1/admin/lrs-clients/revoke", json={"name": "Dashboard"},
                       headers=headers).status_code == 204  # fmt: skip
    assert client.get("/xapi/statements", headers=reader).status_code == 401
    refused = client.post("/api/v1/admin/lrs-clients", json={"name": ""}, headers=headers)
    assert (refused.status_code, refused.json()["field"]) == (400, "name")
    gone = client.post("/api/v1/admin/lti-platforms/remove",
                       json={"name": "nope", "confirm": "nope"}, headers=headers)  # fmt: skip
    assert gone.status_code == 404
    with sqlite_world.db.reading() as s:
        assert s.scalar(select(LrsClient.revoked_at).where(LrsClient.name == "Dashboard"))
