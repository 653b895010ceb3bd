"""A class's learning curves from its counted answers: only the class's learners, an answer
given after the worked solution is no opportunity, the educator's roles (both backends)."""

from __future__ import annotations

import pytest

from learnloop.config import PedagogySettings
from learnloop.domain import Viewer
from learnloop.engine.learning_curves import CurveKind, CurvePoint
from learnloop.exceptions import PermissionDenied
from learnloop.reports.learning_curves import class_learning_curves
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from tests.conftest import World


def _answer(w: World, viewer: Viewer, item: str, correct: bool) -> None:
    record_attempt(
        w.db, viewer, activity_key="parts-practice", item_key=item,
        response=answer_for(w.course, item, correct),
    )  # fmt: skip


def test_curves_count_the_class_s_opportunities_in_order(world: World) -> None:
    w = world
    for item, right in (("pw-3", False), ("pw-4", False), ("pw-5", True)):
        _answer(w, w.learner, item, right)
    for item, right in (("pw-3", False), ("pw-4", True), ("pw-5", False)):
        _answer(w, w.other_learner, item, right)
    for item in ("pw-3", "pw-4", "pw-5", "pw-6"):
        _answer(w, w.outsider, item, True)  # another class: not on this class's curves
    # two misses on pw-6, then the worked solution: the answer after it is no opportunity
    for viewer in (w.learner, w.other_learner):
        for right in (False, False, True):
            _answer(w, viewer, "pw-6", right)

    curves = class_learning_curves(
        w.db, w.educator, w.class_id, PedagogySettings(curve_min_learners=2)
    )
    parts = next(c for c in curves.curves if c.key == "parts-of-a-whole")
    assert parts.points == [
        CurvePoint(1, 1.0, 2),
        CurvePoint(2, 0.5, 2),
        CurvePoint(3, 0.5, 2),
        CurvePoint(4, 1.0, 2),
        CurvePoint(5, 1.0, 2),
    ]  # fmt: skip  (no sixth: the right answers after the solution are not opportunities)
    assert parts.learners == 2
    assert parts.kind is CurveKind.NO_LEARNING  # 75% wrong at the start, 100% at the end
    assert "do not fall" in parts.advice
    assert curves.horizon == PedagogySettings().stuck_min_attempts
    untouched = next(c for c in curves.curves if c.key == "decimals-percents")
    assert (untouched.points, untouched.kind) == ([], CurveKind.TOO_LITTLE_DATA)
    default = class_learning_curves(w.db, w.admin, w.class_id, PedagogySettings())
    assert all(c.points == [] for c in default.curves)  # two learners: below the default five


def test_only_the_class_s_educators_and_admins_see_its_curves(world: World) -> None:
    for viewer in (world.other_educator, world.learner):
        with pytest.raises(PermissionDenied):
            class_learning_curves(world.db, viewer, world.class_id, PedagogySettings())
