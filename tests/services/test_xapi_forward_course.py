"""An LRS that gets only one course's statements (services.xapi_forwarding, storage
course_statements), on both backends, sent to a second learnloop on loopback: the course's own
answers and the outside content it lists go, with the statements that void them; another
course's, and content no course lists, stay here; the waiting count, an erasure's voidings and
the "My data" hosts follow the same course; an unknown course is refused and changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from learnloop.adapters.xapi.learnloop_ids import course_iri
from learnloop.content.course_loader import load_course
from learnloop.domain import Course, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.reports.xapi_forwarding import forward_hosts, forwards
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.demo_practice import answer_for
from learnloop.services.erasure import delete_account
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import LrsCaller, store_statements
from learnloop.services.statement_index import catch_up
from learnloop.services.xapi_forwarding import add_forward, forward_statements
from learnloop.storage.tables import XapiForward, XapiForwardVoid, XapiStatement
from tests.conftest import World
from tests.xapi_target import TargetLrs, target_lrs

KEY = "instance-secret"
BASE = "https://school.example"
LATER = datetime(2100, 1, 1, tzinfo=UTC)  # every statement has settled by then
INTEGERS = Path(__file__).parents[1] / "fixtures" / "courses" / "integers"
H5P = "https://h5p.example.org/content/naming-fractions"  # the demo course lists it
PUPIL = {"mbox": "mailto:pupil@school.example"}


@pytest.fixture
def target(tmp_path: Path, sqlite_template: Path) -> Iterator[TargetLrs]:
    with target_lrs(tmp_path / "target", sqlite_template) as lrs:
        yield lrs


def _answer(world: World, course: Course, activity: str, n: int) -> None:
    items = list(course.activities[activity].items)
    for i in range(n):
        item = items[i % len(items)]
        record_attempt(world.db, world.learner, activity_key=activity, item_key=item,
                       response=answer_for(course, item, i % 2 == 0), public_url=BASE)  # fmt: skip


def _statement(obj: str, **extra: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "actor": PUPIL,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": obj}, **extra}  # fmt: skip


def _add(world: World, target: TargetLrs | str, name: str, scope: str, course: str) -> None:
    endpoint, key, secret = (target, "k", "s") if isinstance(target, str) else (
        target.endpoint, target.key, target.secret)  # fmt: skip
    add_forward(world.db, world.admin, name=name, endpoint=endpoint, username=key,
                password=secret, version="1.0.3", scope=scope, from_start=True, key=KEY,
                now=datetime.now(UTC), course=course)  # fmt: skip


def _integers(world: World) -> tuple[int, Course]:
    """The integers course and a class on it with Lea, who then follows it."""
    course = load_course(INTEGERS)
    course_id, _ = import_course(world.db, course)
    class_id = create_class(world.db, name="9M", course_id=course_id)
    add_to_class(world.db, class_id=class_id, user_id=world.learner.user_id)
    return course_id, course


def test_an_lrs_of_one_course_gets_that_course_and_nothing_else(
    world: World, caller: LrsCaller, target: TargetLrs
) -> None:
    _answer(world, world.course, "parts-practice", 3)  # Lea in fractions (7B)
    _, integers = _integers(world)
    _answer(world, integers, "below-zero-practice", 2)  # ... then in integers (9M)
    h5p = _statement(H5P)  # outside content the fractions course lists
    grouped = _statement("https://sim.example/lab/1", context={
        "contextActivities": {"grouping": [{"id": course_iri(BASE, "fractions")}]}})  # fmt: skip
    unlisted = _statement("https://h5p.example.org/content/other")  # no course lists it
    store_statements(world.db, caller, [h5p, grouped, unlisted], base_url=BASE)
    voiding = {"id": str(uuid.uuid4()), "actor": PUPIL,
               "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
               "object": {"objectType": "StatementRef", "id": h5p["id"]}}  # fmt: skip
    store_statements(world.db, caller, [voiding], base_url=BASE)

    _add(world, target, "fractions-all", "all", "fractions")
    _add(world, target, "integers-own", "own", " integers ")
    catch_up(world.db)  # as the pages do: a course's statements are found by their filed keys
    listed = {r.name: r for r in forwards(world.db, world.admin, base=BASE)}
    assert (listed["fractions-all"].course, listed["fractions-all"].waiting) == ("fractions", 6)
    assert (listed["integers-own"].course, listed["integers-own"].waiting) == ("integers", 2)

    runs = {r.name: r for r in forward_statements(
        world.db, key=KEY, base=BASE, now=LATER, until=LATER, clock=lambda: datetime.now(UTC),
    )}  # fmt: skip
    assert (runs["fractions-all"].sent, runs["fractions-all"].error) == (6, "")
    assert (runs["integers-own"].sent, runs["integers-own"].error) == (2, "")
    with target.db.reading() as s:
        got = {st["id"]: st for st in s.scalars(select(XapiStatement.statement))}
    objects = [st["object"]["id"] for st in got.values()]
    assert sum(o.startswith(course_iri(BASE, "fractions") + "/items/") for o in objects) == 3
    assert sum(o.startswith(course_iri(BASE, "integers") + "/items/") for o in objects) == 2
    assert {h5p["id"], grouped["id"], voiding["id"]} <= got.keys()  # the voiding follows
    assert unlisted["id"] not in got
    assert len(got) == 8

    _answer(world, integers, "below-zero-practice", 1)  # one more, after both LRSs' places
    again = {r.name: r.sent for r in forward_statements(
        world.db, key=KEY, base=BASE, now=LATER, until=LATER, clock=lambda: datetime.now(UTC),
    )}  # fmt: skip
    assert again == {"fractions-all": 0, "integers-own": 1}


def test_an_erasure_voids_only_what_each_course_lrs_got(world: World, target: TargetLrs) -> None:
    _answer(world, world.course, "parts-practice", 3)
    _, integers = _integers(world)
    _answer(world, integers, "below-zero-practice", 2)
    _add(world, target, "fractions-own", "own", "fractions")
    _add(world, target, "integers-own", "own", "integers")
    forward_statements(world.db, key=KEY, base=BASE, now=LATER, until=LATER,
                       clock=lambda: datetime.now(UTC))  # fmt: skip
    erased = delete_account(world.db, world.admin, username="lea", confirm="lea", public_url=BASE)
    assert erased.voids == 5  # 3 to one LRS, 2 to the other: not 10
    with world.db.reading() as s:
        queued = dict(s.execute(
            select(XapiForward.name, func.count()).join(
                XapiForwardVoid, XapiForwardVoid.forward_id == XapiForward.id
            ).group_by(XapiForward.name)
        ).all())  # fmt: skip
    assert queued == {"fractions-own": 3, "integers-own": 2}
    runs = {r.name: r for r in forward_statements(
        world.db, key=KEY, base=BASE, now=LATER, until=LATER, clock=lambda: datetime.now(UTC),
    )}  # fmt: skip
    assert (runs["fractions-own"].voided, runs["integers-own"].voided) == (3, 2)


def test_my_data_names_only_the_lrs_of_courses_one_is_in(world: World) -> None:
    _integers(world)  # Lea is in 9M; Olga only in 8C, on fractions
    _add(world, "https://district.example/xapi/", "district", "all", "")
    _add(world, "https://uni.example/xapi/", "uni", "own", "integers")
    olga: Viewer = world.outsider
    assert forward_hosts(world.db, olga.user_id) == ["district.example"]
    assert forward_hosts(world.db, world.learner.user_id) == ["district.example", "uni.example"]


def test_an_unknown_course_is_refused_and_nothing_is_added(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        _add(world, "https://lrs.example/xapi/", "district", "own", "algebra")
    assert refused.value.field == "course"
    assert "algebra" in str(refused.value)
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(XapiForward)) == 0
