"""A calibrated score-test bank for the demo course, for tests of the pages and the API."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from learnloop.services.score_bank import calibrate_score_bank, import_calibration_answers
from tests.conftest import World


def calibrate_demo_bank(world: World, respondents: int = 15) -> None:
    """Every bank item answered by ``respondents`` simulated respondents of varied ability, the
    items' difficulty rising in course order."""
    assert world.course.score_test is not None
    keys = world.course.score_test.bank_items(world.course)
    rng = np.random.default_rng(11)
    rows = []
    for n in range(respondents):
        theta = rng.normal()
        for i, key in enumerate(keys):
            b = -1.5 + 3 * i / len(keys)
            rows.append((f"r{n}", key, bool(rng.random() < 1 / (1 + np.exp(b - theta)))))
    import_calibration_answers(world.db, world.course_id, rows)
    assert calibrate_score_bank(world.db, world.course_id, datetime.now(UTC)).ready
