"""Linked identities on both databases: a statement naming one, about outside content an
activity lists, counts for the account in the same transaction as it is stored; the Person
gathers the names; a refused CSV line leaves nothing of itself behind (the savepoint)."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.adapters.xapi.learnloop_ids import activity_iri, item_iri, parse_object
from learnloop.content.identity_csv import IdentityRow
from learnloop.exceptions import ContentError
from learnloop.reports.xapi_person import person_object
from learnloop.services.learning import DEFAULT_PUBLIC_URL
from learnloop.services.lrs import authenticate_client, create_client, store_statements
from learnloop.services.xapi_feed import _answered_where
from learnloop.services.xapi_identities import import_identities, link_identity
from learnloop.storage.tables import Attempt, XapiIdentity
from tests.conftest import World

BASE = DEFAULT_PUBLIC_URL
H5P = "https://h5p.example.org/content/naming-fractions"  # the demo's parts-practice lists it


def test_an_outside_statement_by_a_linked_name_counts_on_either_database(
    world: World, hasher: PasswordHasher
) -> None:
    link_identity(
        world.db, username=world.learner.username, public_url=BASE,
        fields={"account_homePage": "https://moodle.school.example", "account_name": "4711"},
    )  # fmt: skip
    made = create_client(world.db, hasher, name="moodle", can_write=True)
    caller = authenticate_client(world.db, hasher, made.key, made.secret)
    actor = {"account": {"homePage": "https://moodle.school.example", "name": "4711"}}
    sent = [
        {
            "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": H5P},
            "result": {"score": {"scaled": scaled}},
        }
        for scaled in (0.9, 0.5)
    ]
    store_statements(world.db, caller, sent, base_url=BASE)
    with world.db.reading() as s:
        rows = s.execute(
            select(Attempt.item_key, Attempt.correct)
            .where(Attempt.user_id == world.learner.user_id)
            .order_by(Attempt.id)
        ).all()
    first = world.course.activities["parts-practice"].items[0]
    assert [tuple(r) for r in rows] == [(first, True), (first, False)]
    person = person_object(world.db, actor, public_url=BASE)
    assert person["account"] == [
        {"homePage": BASE, "name": world.learner.username},
        actor["account"],
    ]


def test_a_refused_line_leaves_nothing_behind_on_either_database(world: World) -> None:
    """The address is free, but the SHA-1 it brings is another account's: the line is refused
    whole, its address included (so the next line is judged without it), and the file changes
    nothing."""
    sha = hashlib.sha1(b"mailto:ann@school.example", usedforsecurity=False).hexdigest()
    mine = world.learner.username
    link_identity(world.db, username=mine, fields={"mbox_sha1sum": sha}, public_url=BASE)
    rows = [
        IdentityRow(world.other_learner.username, {"mbox": "ann@school.example"}, 2),
        IdentityRow(world.outsider.username, {"mbox": "ann@school.example"}, 3),
    ]
    with pytest.raises(ContentError) as refused:
        import_identities(world.db, rows, source="ids.csv", public_url=BASE)
    assert [(i.line, i.message) for i in refused.value.issues] == [
        (2, f"mbox_sha1sum: already names the account {mine!r}"),
        (3, f"mbox_sha1sum: already names the account {mine!r}"),  # line 2 left no address
    ]
    with world.db.reading() as s:
        assert s.scalars(select(XapiIdentity.key)).all() == [f"sha1:{sha}"]


def test_an_answer_goes_to_the_activity_its_statement_names_as_parent(world: World) -> None:
    """An item in two activities: the statement's parent decides which, by the activity's own
    IRI or by the outside content it lists; with neither, the first activity that holds it."""
    reading = world.course.activities["parts-read"]
    course = dataclasses.replace(
        world.course,
        activities={
            **world.course.activities,
            "parts-read": dataclasses.replace(
                reading, items=(*reading.items, "pw-5"), xapi_activities=("https://sim.example/1",)
            ),
        },
    )
    holders = [k for k, a in course.activities.items() if "pw-5" in a.items]
    assert len(holders) == 2
    question = f"{H5P}?subContentId=pizzas"
    own = item_iri(BASE, "fractions", "pw-5")
    cases = [
        (own, {activity_iri(BASE, "fractions", "parts-read")}, "parts-read"),
        (own, {activity_iri(BASE, "fractions", "parts-practice")}, "parts-practice"),
        (question, {"https://sim.example/1"}, "parts-read"),
        (question, {H5P}, "parts-practice"),
        (question, set(), holders[0]),
    ]
    for iri, parents, expected in cases:
        where = _answered_where(course, iri, parse_object(BASE, iri), parents, BASE)
        assert where is not None, (iri, parents)
        assert (where[0].key, where[1]) == (expected, "pw-5"), (iri, parents)
    assert _answered_where(course, f"{H5P}?subContentId=x", None, set(), BASE) is None
