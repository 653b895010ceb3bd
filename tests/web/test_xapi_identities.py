"""Identities linked to an account (services.xapi_identities) and outside content an activity
lists: statements from content hosted elsewhere feed the learner model as the account's own do;
the Agents resource gathers the Person; export and erasure cover the linked names."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.adapters.xapi.learnloop_ids import item_iri, learner_agent
from learnloop.content.identity_csv import read_identity_csv
from learnloop.exceptions import ContentError, InvalidInput, NotFound
from learnloop.services.demo_practice import answer_for
from learnloop.services.erasure import delete_account
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.lrs import create_client
from learnloop.services.xapi_identities import (
    identity_agent,
    import_identities,
    link_identity,
    unlink_identity,
)
from learnloop.storage.tables import Attempt, AuditEvent, XapiIdentity, XapiStatement
from tests.conftest import World
from tests.web.conftest import login, post, role_client, role_token
from tests.web.test_xapi_learning import mastery

BASE = DEFAULT_PUBLIC_URL
MBOX = "mailto:ann.h5p@school.example"
SHA1 = hashlib.sha1(MBOX.encode()).hexdigest()  # noqa: S324 (xAPI's mbox_sha1sum)
MOODLE = {"homePage": "https://moodle.school.example", "name": "4711"}
H5P = "https://h5p.example.org/content/naming-fractions"  # the demo's parts-practice lists it


@pytest.fixture
def writer(app: FastAPI, sqlite_world: World, hasher: PasswordHasher) -> dict[str, str]:
    creds = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)
    token = base64.b64encode(f"{creds.key}:{creds.secret}".encode()).decode()
    return {"X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"}


def _answered(actor: dict[str, Any], obj: str, success: bool) -> dict[str, Any]:
    return {
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": obj},
        "result": {"success": success},
    }


def _attempts(w: World, user_id: int) -> list[tuple[str, str, bool]]:
    with w.db.reading() as s:
        return [
            (a.activity_key, a.item_key, a.correct)
            for a in s.scalars(
                select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id)
            )
        ]


def _post(client: TestClient, headers: dict[str, str], st: dict[str, Any]) -> None:
    r = client.post("/xapi/statements", json=st, headers=headers)
    assert r.status_code == 200, r.text


def test_statements_naming_a_linked_identity_feed_the_model_as_the_account_does(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    ann = w.other_learner
    item = item_iri(BASE, "fractions", "pw-4")
    _post(client, writer, _answered({"mbox": MBOX}, item, True))  # not linked yet: nobody's
    assert _attempts(w, ann.user_id) == []
    assert link_identity(w.db, username=ann.username, fields={"mbox": MBOX}, public_url=BASE)
    assert not link_identity(  # linking again changes nothing
        w.db, username=ann.username, fields={"mbox": MBOX.upper()}, public_url=BASE
    )
    link_identity(
        w.db, username=ann.username, public_url=BASE,
        fields={"account_homePage": MOODLE["homePage"], "account_name": MOODLE["name"]},
    )  # fmt: skip
    # the same three answers: in the app by one learner, by xAPI under three names by another
    for actor, right in (({"mbox": MBOX}, True), ({"mbox_sha1sum": SHA1}, False),
                         ({"account": MOODLE}, True)):  # fmt: skip
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key="pw-4",
            response=answer_for(w.course, "pw-4", right),
        )  # fmt: skip
        _post(client, writer, _answered(actor, item, right))
    assert _attempts(w, ann.user_id) == [
        ("parts-practice", "pw-4", True), ("parts-practice", "pw-4", False),
        ("parts-practice", "pw-4", True),
    ]  # fmt: skip
    assert mastery(w, ann.user_id, "parts-of-a-whole") == pytest.approx(
        mastery(w, w.learner.user_id, "parts-of-a-whole")
    )
    # a Group with the address is not the person; after the unlink the address is nobody's again
    group = {"objectType": "Group", "mbox": MBOX}
    _post(client, writer, _answered(group, item, True))
    unlink_identity(w.db, username=ann.username, fields={"mbox": MBOX})
    for actor in ({"mbox": MBOX}, {"mbox_sha1sum": SHA1}):
        _post(client, writer, _answered(actor, item, True))
    assert len(_attempts(w, ann.user_id)) == 3
    with w.db.reading() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.subject == ann.username))
        assert sorted(actions) == [
            "xapi_identity.linked", "xapi_identity.linked", "xapi_identity.unlinked"
        ]  # fmt: skip
        details = s.scalars(select(AuditEvent.details).where(AuditEvent.subject == ann.username))
        assert MBOX not in json.dumps(list(details))  # the trail names the kind, not the address


def test_outside_content_an_activity_lists_counts_as_its_first_item(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    ann = learner_agent(BASE, w.other_learner.username)
    assert w.course.activities["parts-practice"].xapi_activities == (H5P,)
    _post(client, writer, _answered(ann, H5P, False))
    _post(client, writer, _answered(ann, f"{H5P}?subContentId=7", True))  # a sub-question
    _post(client, writer, _answered(ann, "https://h5p.example.org/content/other", True))
    link_identity(w.db, username=w.other_learner.username, fields={"mbox": MBOX}, public_url=BASE)
    _post(client, writer, _answered({"mbox": MBOX}, H5P, True))
    first = w.course.activities["parts-practice"].items[0]
    assert _attempts(w, w.other_learner.user_id) == [
        ("parts-practice", first, False), ("parts-practice", first, True),
    ]  # fmt: skip


def test_an_outside_question_an_item_lists_counts_as_that_item(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    question = f"{H5P}?subContentId=pizzas"  # the demo's pw-5 lists it
    assert w.course.items["pw-5"].xapi_activities == (question,)
    ann = learner_agent(BASE, w.other_learner.username)
    within = {"contextActivities": {"parent": [{"id": H5P}]}}
    _post(client, writer, {**_answered(ann, question, True), "context": within})
    _post(client, writer, _answered(ann, question, False))  # no parent: the first activity with it
    _post(client, writer, _answered(ann, f"{H5P}?subContentId=other", True))  # listed by nobody
    assert _attempts(w, w.other_learner.user_id) == [
        ("parts-practice", "pw-5", True), ("parts-practice", "pw-5", False),
    ]  # fmt: skip


def test_the_agents_resource_gathers_the_person(
    client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    ann = w.other_learner
    link_identity(w.db, username=ann.username, fields={"mbox": MBOX}, public_url=BASE)
    link_identity(
        w.db, username=ann.username, public_url=BASE,
        fields={"account_homePage": MOODLE["homePage"], "account_name": MOODLE["name"]},
    )  # fmt: skip
    whole = {
        "objectType": "Person",
        "name": [ann.display_name],
        "mbox": [MBOX],
        "mbox_sha1sum": [SHA1],
        "account": [learner_agent(BASE, ann.username)["account"], MOODLE],
    }
    for agent in ({"mbox": MBOX}, {"mbox_sha1sum": SHA1}, {"account": MOODLE},
                  learner_agent(BASE, ann.username)):  # fmt: skip
        r = client.get("/xapi/agents", params={"agent": json.dumps(agent)}, headers=writer)
        assert r.status_code == 200
        assert r.json() == whole
    stranger = {"mbox": "mailto:nobody@school.example", "name": "Nobody"}
    r = client.get("/xapi/agents", params={"agent": json.dumps(stranger)}, headers=writer)
    assert r.json() == {
        "objectType": "Person", "name": ["Nobody"], "mbox": ["mailto:nobody@school.example"]
    }  # fmt: skip
    # a classmate without links is their learnloop account alone
    mine = learner_agent(BASE, w.learner.username)
    r = client.get("/xapi/agents", params={"agent": json.dumps(mine)}, headers=writer)
    assert r.json() == {
        "objectType": "Person", "name": [w.learner.display_name], "account": [mine["account"]]
    }  # fmt: skip


def test_export_and_erasure_cover_what_names_a_linked_identity(
    app: FastAPI, client: TestClient, writer: dict[str, str], sqlite_world: World
) -> None:
    w = sqlite_world
    ann = w.other_learner
    link_identity(w.db, username=ann.username, fields={"mbox": MBOX}, public_url=BASE)
    # a statement about something else entirely, naming Ann's address only
    other = {**_answered({"mbox": MBOX}, "https://elsewhere.example/quiz", True)}
    _post(client, writer, other)
    login(client, ann.username)
    data = client.get("/account/data.json").json()
    assert [st["actor"] for st in data["xapi_statements"]] == [{"mbox": MBOX}]
    assert sorted(row["key"] for row in data["tables"]["xapi_identities"]) == [
        f"mbox:{MBOX}", f"sha1:{SHA1}"
    ]  # fmt: skip
    page = client.get("/account/data").text
    assert "Other names you go by in learning records (xAPI identities)" in page
    listed = page.split('<ul class="linked-names">')[1].split("</ul>")[0]
    assert listed == "<li>ann.h5p@school.example</li>"  # the address, not its SHA-1 again
    with TestClient(
        app, follow_redirects=False
    ) as classmate:  # a classmate without links is not shown the section
        login(classmate, w.learner.username)
        assert "linked-names" not in classmate.get("/account/data").text

    gone = delete_account(
        w.db, w.admin, username=ann.username, confirm=ann.username, public_url=BASE
    )
    assert gone.rows["xapi_identities"] == 2
    with w.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(XapiIdentity)) == 0
        assert s.scalar(select(func.count()).select_from(XapiStatement)) == 0


def test_identifiers_are_checked_and_name_one_account(sqlite_world: World) -> None:
    w = sqlite_world
    assert identity_agent({"mbox": " Ann@School.example "}) == {
        "objectType": "Agent", "mbox": "mailto:ann@school.example"
    }  # fmt: skip
    refusals = [
        ({}, "identifier"),
        ({"mbox": MBOX, "openid": "https://id.example/ann"}, "identifier"),
        ({"mbox": "ann-at-school"}, "mbox"),
        ({"mbox_sha1sum": "abc"}, "mbox_sha1sum"),
        ({"openid": "not an iri"}, "openid"),
        ({"account_name": "4711"}, "account_homePage"),
        ({"account_homePage": BASE, "account_name": "someone"}, "account_homePage"),
    ]
    for fields, field in refusals:
        with pytest.raises(InvalidInput) as refused:
            link_identity(w.db, username=w.learner.username, fields=fields, public_url=BASE)
        assert refused.value.field == field, fields
    link_identity(w.db, username=w.learner.username, fields={"mbox": MBOX}, public_url=BASE)
    with pytest.raises(InvalidInput, match=f"already names the account '{w.learner.username}'"):
        link_identity(w.db, username=w.other_learner.username, fields={"mbox_sha1sum": SHA1},
                      public_url=BASE)  # fmt: skip
    with pytest.raises(InvalidInput, match="came with the e-mail address"):
        unlink_identity(w.db, username=w.learner.username, fields={"mbox_sha1sum": SHA1})
    with pytest.raises(InvalidInput, match="is not linked to"):
        unlink_identity(w.db, username=w.other_learner.username, fields={"mbox": MBOX})
    with pytest.raises(NotFound):
        link_identity(w.db, username="nobody", fields={"mbox": MBOX}, public_url=BASE)


def test_a_csv_links_all_or_nothing_and_names_each_bad_line(
    sqlite_world: World, tmp_path: Path
) -> None:
    w = sqlite_world
    ann, ben = w.learner.username, w.other_learner.username
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "username,mbox,account_homePage,account_name\n"
        f"{ann},ann@school.example,,\n"  # line 2: fine
        "nobody,x@school.example,,\n"  # 3: no such account
        f"{ben},ann@school.example,,\n"  # 4: Ann's address
        f"{ben},,https://moodle.school.example,\n"  # 5: an account without its name
        f"{ben},y@school.example,https://moodle.school.example,9\n"  # 6: two identifiers
    )
    with pytest.raises(ContentError) as refused:
        import_identities(w.db, read_identity_csv(bad), source="bad.csv", public_url=BASE)
    assert [(i.line, i.message.split(":")[0]) for i in refused.value.issues] == [
        (3, "no account named 'nobody'"), (4, "mbox"), (5, "account_name"), (6, "identifier"),
    ]  # fmt: skip
    with w.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(XapiIdentity)) == 0
    good = tmp_path / "good.csv"
    good.write_text(
        f"username,mbox,openid\n{ann},ann@school.example,\n{ben},,https://id.example/ben\n"
    )
    first = import_identities(w.db, read_identity_csv(good), source="good.csv", public_url=BASE)
    again = import_identities(w.db, read_identity_csv(good), source="good.csv", public_url=BASE)
    assert (first.linked, first.kept, again.linked, again.kept) == (2, 0, 0, 2)
    empty = tmp_path / "empty.csv"
    empty.write_text("username,email\nann,a@b.c\n")
    with pytest.raises(ContentError, match="the header needs username and at least one of"):
        read_identity_csv(empty)


def test_an_admin_links_and_unlinks_names_on_the_page(app: FastAPI, sqlite_world: World) -> None:
    w = sqlite_world
    ann = w.other_learner.username
    with role_client(app, w, "admin") as admin:
        page = admin.get(f"/admin/identities?username={ann}")
        assert page.status_code == 200
        assert "No name linked yet." in page.text
        refused = post(admin, "/admin/identities/link", username=ann, mbox="not-an-address")
        assert refused.status_code == 400
        assert "must be a mailto: IRI" in refused.text
        assert (
            'id="link-mbox" name="mbox" type="email" maxlength="600" value="not-an-address" aria-invalid="true"'
            in refused.text
        )
        done = post(
            admin, "/admin/identities/link", username=ann, mbox=MBOX.removeprefix("mailto:")
        )
        assert done.status_code == 303
        shown = admin.get(done.headers["location"]).text
        assert "Linked." in shown
        assert MBOX in shown
        assert SHA1 in shown
        assert "(from the address)" in shown
        post(admin, "/admin/identities/link", username=ann, account_homePage=MOODLE["homePage"],
             account_name=MOODLE["name"])  # fmt: skip
        assert (
            f"{MOODLE['name']} at {MOODLE['homePage']}"
            in admin.get(f"/admin/identities?username={ann}").text
        )
        gone = post(admin, "/admin/identities/unlink", username=ann, kind="account",
                    value=MOODLE["homePage"], name=MOODLE["name"])  # fmt: skip
        assert gone.status_code == 303
        after = admin.get(gone.headers["location"]).text
        assert "Unlinked." in after
        assert f"{MOODLE['name']} at" not in after
        wrong = post(
            admin, "/admin/identities/unlink", username=ann, kind="mbox_sha1sum", value=SHA1
        )
        assert wrong.status_code == 400  # it goes with its address
        assert "came with the e-mail address" in wrong.text
        unknown = admin.get("/admin/identities?username=nobody")
        assert unknown.status_code == 400
        assert "no account named" in unknown.text
    with role_client(app, w, "learner") as learner:  # nor to anyone else, name or no name
        assert learner.get(f"/admin/identities?username={ann}").status_code == 403
        assert (
            post(learner, "/admin/identities/link", username=ann, mbox="x@y.example").status_code
            == 403
        )
    with w.db.reading() as s:
        assert sorted(s.scalars(select(XapiIdentity.key))) == [f"mbox:{MBOX}", f"sha1:{SHA1}"]
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.subject == ann)))
        assert actors == {w.admin.username}


def test_the_api_links_lists_and_unlinks(client: TestClient, sqlite_world: World) -> None:
    w = sqlite_world
    ann = w.other_learner.username
    headers = {"Authorization": f"Bearer {role_token(client, w, 'admin')}"}
    made = client.post("/api/v1/admin/xapi-identities", headers=headers,
                       json={"username": ann, "openid": "https://id.school.example/ann"})  # fmt: skip
    assert made.status_code == 201
    assert made.json() == {"linked": True}
    listed = client.get("/api/v1/admin/xapi-identities", params={"username": ann}, headers=headers)
    assert listed.json() == [
        {"agent": {"objectType": "Agent", "openid": "https://id.school.example/ann"},
         "derived_from": None}
    ]  # fmt: skip
    bad = client.post("/api/v1/admin/xapi-identities", headers=headers,
                      json={"username": ann, "mbox_sha1sum": "xyz"})  # fmt: skip
    assert bad.status_code == 400
    assert "mbox_sha1sum" in bad.text
    gone = client.post("/api/v1/admin/xapi-identities/unlink", headers=headers,
                       json={"username": ann, "openid": "https://id.school.example/ann"})  # fmt: skip
    assert gone.status_code == 204
    assert (
        client.get(
            "/api/v1/admin/xapi-identities", params={"username": ann}, headers=headers
        ).json()
        == []
    )
