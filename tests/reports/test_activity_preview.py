"""The activities and their answer keys, read on both databases: whom an activity is still locked
for follows each learner's mastered objectives, and only the class's educators and admins read
them."""

from __future__ import annotations

import pytest

from learnloop.exceptions import NotFound, PermissionDenied
from learnloop.reports.activity_preview import activity_preview, class_activities
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from tests.conftest import World


def test_an_activity_opens_for_a_learner_once_its_prerequisites_are_mastered(world: World) -> None:
    w = world
    before = activity_preview(w.db, w.educator, w.class_id, "number-line-read")
    assert before.locked_for == ("Lea", "Omar")
    for item in ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]:  # Lea masters what a fraction means
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, True),
        )  # fmt: skip
    after = activity_preview(w.db, w.admin, w.class_id, "number-line-read")
    assert after.locked_for == ("Omar",)
    assert [i.key for i in after.items] == list(w.course.activities["number-line-read"].items)
    rows = {r.activity.key: r.open_for for _, rs in class_activities(w.db, w.educator,
                                                                     w.class_id).objectives
            for r in rs}  # fmt: skip
    assert (rows["number-line-read"], rows["parts-read"]) == (1, 2)


def test_only_the_class_educators_and_admins_read_the_keys(world: World) -> None:
    w = world
    for viewer in (w.learner, w.other_learner, w.other_educator, w.outsider):
        with pytest.raises(PermissionDenied):
            activity_preview(w.db, viewer, w.class_id, "parts-read")
        with pytest.raises(PermissionDenied):
            class_activities(w.db, viewer, w.class_id)
    with pytest.raises(NotFound):
        activity_preview(w.db, w.educator, w.class_id, "no-such-activity")
