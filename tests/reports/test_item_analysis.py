"""Items and misconceptions, and suggested groups, for one class: what they count and who sees
them (both backends)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.domain import Viewer
from learnloop.exceptions import PermissionDenied
from learnloop.reports.item_analysis import item_analysis
from learnloop.reports.support_groups import support_groups
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.onboarding import complete_onboarding
from learnloop.storage.tables import Attempt
from tests.conftest import PASSWORD, World
from tests.reports.test_class_views import counting

PARTS = ("pw-3", "pw-4", "pw-5", "pw-6", "pw-7")


def master_parts(world: World, viewer: Viewer) -> None:
    """Three right answers in a row master parts-of-a-whole from the course's prior."""
    for item in PARTS[:3]:
        record_attempt(
            world.db, viewer, activity_key="parts-practice", item_key=item,
            response=answer_for(world.course, item, True),
        )  # fmt: skip


def add_across(world: World, viewer: Viewer, times: int) -> None:
    """Answer al-1 (2/7 + 3/7) with 5/14, the tagged wrong answer of 'add-across'."""
    for _ in range(times):
        record_attempt(
            world.db, viewer, activity_key="add-like-read", item_key="al-1", response="5/14"
        )


def learner(world: World, hasher: PasswordHasher, name: str) -> Viewer:
    viewer = register_user(
        world.db, hasher, username=name, password=PASSWORD, display_name=name.title()
    )
    add_to_class(world.db, class_id=world.class_id, user_id=viewer.user_id)
    complete_onboarding(
        world.db, viewer, course_id=None, goal_objective="add-unlike", goal_date=None,
        interests="", preferred_modalities=["reading"],
    )  # fmt: skip
    return viewer


def test_a_tagged_wrong_answer_is_recorded_with_its_misconception(world: World) -> None:
    master_parts(world, world.learner)
    add_across(world, world.learner, 1)
    record_attempt(
        world.db, world.learner, activity_key="add-like-read", item_key="al-1", response="6/7"
    )
    with world.db.reading() as s:
        rows = list(
            s.execute(
                select(Attempt.answer_text, Attempt.misconceptions)
                .where(Attempt.item_key == "al-1")
                .order_by(Attempt.id)
            )
        )
    assert [tuple(r) for r in rows] == [("5/14", "add-across"), ("6/7", "")]


def test_misconceptions_list_who_shows_them_and_wrong_answers_are_counted(world: World) -> None:
    for viewer in (world.learner, world.other_learner):
        master_parts(world, viewer)
    add_across(world, world.learner, 2)
    add_across(world, world.other_learner, 1)
    add_across(world, world.outsider, 0)  # another class: never counted here
    pedagogy = PedagogySettings(item_min_learners=2, misconception_min_answers=2)
    a = item_analysis(world.db, world.educator, world.class_id, pedagogy)
    row = next(m for m in a.misconceptions if m.key == "add-across")
    assert [(x.display_name, x.answers) for x in row.learners] == [("Lea", 2)]
    assert row.answers == 3
    assert row.items == ("al-1",)
    assert a.misconceptions[0].key == "add-across"  # the one somebody shows comes first
    al1 = next(r for r in a.items if r.key == "al-1")
    assert al1.learners == 2
    assert al1.answers == 3
    assert al1.p_first == 0.0
    assert [(w.text, w.answers, w.learners) for w in al1.wrong_answers] == [("5/14", 3, 2)]
    assert al1.wrong_answers[0].misconceptions == ("Adds the tops and adds the bottoms",)
    assert [code for code, _ in al1.flags] == ["hard"]
    pw3 = next(r for r in a.items if r.key == "pw-3")
    assert pw3.p_first == 1.0
    assert [c for c, _ in pw3.flags] == ["easy"]
    assert a.items[0].flags  # flagged items first
    lenient = item_analysis(
        world.db, world.educator, world.class_id, PedagogySettings(misconception_min_answers=1)
    )
    shown = next(m for m in lenient.misconceptions if m.key == "add-across")
    assert [x.display_name for x in shown.learners] == ["Lea", "Omar"]
    few = item_analysis(world.db, world.educator, world.class_id, PedagogySettings())
    assert next(r for r in few.items if r.key == "al-1").flags == ()  # 2 learners < 5


def test_discrimination_is_negative_when_the_strong_miss_and_the_weak_succeed(
    world: World, hasher: PasswordHasher
) -> None:
    """pw-3..pw-5 right for strong learners; pw-6 (asked last) right only for the weak ones."""
    strong = [world.learner, world.other_learner, learner(world, hasher, "sam")]
    weak = [learner(world, hasher, n) for n in ("wei", "wyn", "wes")]
    for viewer in strong + weak:
        for item in ("pw-3", "pw-4", "pw-5"):
            record_attempt(
                world.db, viewer, activity_key="parts-practice", item_key=item,
                response=answer_for(world.course, item, viewer in strong),
            )  # fmt: skip
    for viewer in strong + weak:
        # the strong have mastered parts-of-a-whole by now; pw-6 stays answerable for both
        record_attempt(
            world.db, viewer, activity_key="parts-practice", item_key="pw-6",
            response=answer_for(world.course, "pw-6", viewer in weak),
        )  # fmt: skip
    judged = PedagogySettings(item_discrimination_min_learners=6)
    a = item_analysis(world.db, world.educator, world.class_id, judged)
    pw6 = next(r for r in a.items if r.key == "pw-6")
    pw3 = next(r for r in a.items if r.key == "pw-3")
    assert pw6.discrimination is not None
    assert pw6.discrimination < -0.9
    assert "negative" in [c for c, _ in pw6.flags]
    assert pw3.discrimination is not None
    assert pw3.discrimination > 0.9
    assert not [c for c, _ in pw3.flags if c in ("negative", "poor")]
    unjudged = item_analysis(world.db, world.educator, world.class_id, PedagogySettings())
    assert next(r for r in unjudged.items if r.key == "pw-6").discrimination is None  # 6 < 10


def test_only_the_class_educators_and_admins_see_it(world: World) -> None:
    pedagogy = PedagogySettings()
    for viewer in (world.learner, world.other_learner, world.outsider, world.other_educator):
        with pytest.raises(PermissionDenied):
            item_analysis(world.db, viewer, world.class_id, pedagogy)
        with pytest.raises(PermissionDenied):
            support_groups(world.db, viewer, world.class_id, pedagogy)
    assert item_analysis(world.db, world.admin, world.class_id, pedagogy).learners == 2
    assert support_groups(world.db, world.admin, world.class_id, pedagogy).class_id


def test_queries_do_not_grow_with_the_class(world: World, hasher: PasswordHasher) -> None:
    pedagogy = PedagogySettings()
    master_parts(world, world.learner)
    with counting(world.db) as small:
        item_analysis(world.db, world.educator, world.class_id, pedagogy)
        support_groups(world.db, world.educator, world.class_id, pedagogy)
    for i in range(6):
        master_parts(world, learner(world, hasher, f"extra{i}"))
    with counting(world.db) as large:
        item_analysis(world.db, world.educator, world.class_id, pedagogy)
        support_groups(world.db, world.educator, world.class_id, pedagogy)
    assert len(large) == len(small)


def test_groups_share_a_need_hold_at_most_the_setting_and_get_helpers(
    world: World, hasher: PasswordHasher
) -> None:
    # five learners working on parts-of-a-whole (one answer each, right or wrong), two who
    # mastered it and now work on different next objectives
    working = [world.learner, world.other_learner] + [
        learner(world, hasher, n) for n in ("ann", "bob", "cyd")
    ]
    for n, viewer in enumerate(working):
        record_attempt(
            world.db, viewer, activity_key="parts-practice", item_key="pw-3",
            response=answer_for(world.course, "pw-3", n % 2 == 0),
        )  # fmt: skip
    helpers = [learner(world, hasher, n) for n in ("hal", "hana")]
    for viewer in helpers:
        master_parts(world, viewer)
    add_across(world, helpers[0], 2)
    add_across(world, helpers[1], 2)
    g = support_groups(
        world.db, world.educator, world.class_id,
        PedagogySettings(group_size_max=3, misconception_min_answers=2),
    )  # fmt: skip
    parts = [x for x in g.groups if x.kind == "objective" and x.key == "parts-of-a-whole"]
    assert sorted(len(x.members) for x in parts) == [2, 3]
    assert {m.display_name for x in parts for m in x.members} == {
        "Lea", "Omar", "Ann", "Bob", "Cyd"
    }  # fmt: skip
    estimates = [[m.p_known or 0.0 for m in x.members] for x in parts]
    assert max(estimates[0]) <= min(estimates[1])  # similar estimates together, lowest first
    # the two who mastered it are offered to each group (two helpers a group)
    assert [sorted(h.display_name for h in x.helpers) for x in parts] == [["Hal", "Hana"]] * 2
    assert parts[0].reason.startswith("3 learners working on What a fraction means")
    for x in parts:  # each group's estimates, lowest and highest, tell the groups apart
        low, high = min(estimates[parts.index(x)]), max(estimates[parts.index(x)])
        assert f"estimates {low:.0%} to {high:.0%}, 1 answer on average" in x.reason
    # hal and hana both work on add-like: one group of two; both show add-across: another
    add_like = [x for x in g.groups if x.key == "add-like"]
    assert [sorted(m.display_name for m in x.members) for x in add_like] == [["Hal", "Hana"]]
    mis = [x for x in g.groups if x.kind == "misconception"]
    assert [(x.key, sorted(m.display_name for m in x.members)) for x in mis] == [
        ("add-across", ["Hal", "Hana"])
    ]
    assert g.ungrouped == ()  # hal and hana are grouped, everyone else too
    wider = support_groups(
        world.db, world.educator, world.class_id, PedagogySettings(group_size_max=6)
    )
    assert [len(x.members) for x in wider.groups if x.key == "parts-of-a-whole"] == [5]


def test_a_need_nobody_shares_gives_no_group(world: World) -> None:
    master_parts(world, world.learner)
    record_attempt(
        world.db, world.other_learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", False),
    )  # fmt: skip
    g = support_groups(world.db, world.educator, world.class_id, PedagogySettings())
    objective_groups = [x for x in g.groups if x.kind == "objective"]
    assert objective_groups == []
    assert sorted(name for _, name, _ in g.ungrouped) == ["Lea", "Omar"]
    assert all("the only one working on" in why for *_, why in g.ungrouped)
