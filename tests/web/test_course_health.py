"""An administrator's page of a course: what it holds, who uses it, and the state of the models
fitted on its data, with a warning when a nightly fit looks stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.domain.learner_model import MIN_ANSWERS_TO_FIT
from learnloop.reports.account_directory import find_accounts
from learnloop.reports.course_health import STALE_FIT_DAYS, course_health
from learnloop.services.class_lifecycle import end_class
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.models import fit_course_model
from learnloop.services.reviews import fit_course_memory
from learnloop.services.score_bank import calibrate_score_bank
from tests.conftest import World
from tests.services.test_course_models import T0, history, swapped_difficulty
from tests.services.test_reviews_and_placement import unlike_memories
from tests.web.conftest import role_token


def test_an_admin_sees_what_a_course_holds_and_who_uses_it(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    page = clients["admin"].get("/admin/courses/fractions")
    assert page.status_code == 200
    text = page.text
    assert "12 objectives · 30 activities · 91 questions" in text
    assert '<a href="/admin/classes/1">7B</a> · 2 learners' in text
    assert '<a href="/admin/classes/2">8C</a> · 1 learner</li>' in text
    assert "3 learners follow it now · 3 learners have started it · 0 answers counted" in text
    assert "not fitted yet: the starting parameters run" in text
    assert f"0 of the {MIN_ANSWERS_TO_FIT} needed" in text
    assert 'role="alert"' not in text  # nothing to fit yet: nothing stopped
    assert '<a href="/admin/courses/fractions">' in clients["admin"].get("/admin").text
    assert clients["admin"].get("/admin/courses/nope").status_code == 404
    end_class(sqlite_world.db, sqlite_world.admin, class_id=sqlite_world.other_class_id, now=T0)
    ended = clients["admin"].get("/admin/courses/fractions").text
    assert "8C</a> · 1 learner · <em>ended March 2, 2026</em></li>" in ended


def test_a_fit_that_stopped_is_flagged_until_it_runs_again(
    sqlite_world: World, clients: dict[str, TestClient], hasher: PasswordHasher
) -> None:
    w = sqlite_world
    history(w.db, hasher, w.course, w.course_id)  # 600 answers, long ago
    health = course_health(w.db, w.admin, "fractions", now=T0)
    assert health.model.since == 600
    assert health.stale == ["model", "score"]  # enough answers, and neither ever fitted
    assert fit_course_model(w.db, w.course_id, T0).fitted
    calibrate_score_bank(w.db, w.course_id, T0)
    fitted = course_health(w.db, w.admin, "fractions", now=T0 + timedelta(days=30))
    assert (fitted.model.fitted_on, fitted.model.since, fitted.fitted_kind) == (600, 0, "bkt")
    assert fitted.stale == []  # old, but nothing new since: nothing to refit
    now = datetime.now(UTC)
    record_attempt(
        w.db, w.learner, activity_key="parts-practice", item_key="pw-4",
        response=answer_for(w.course, "pw-4", True), now=now,
    )  # fmt: skip
    assert course_health(w.db, w.admin, "fractions", now=now).stale == ["model", "score"]
    soon = T0 + timedelta(days=STALE_FIT_DAYS - 1)  # a week's grace after a fit
    assert course_health(w.db, w.admin, "fractions", now=soon).model.stale(soon) is False
    page = clients["admin"].get("/admin/courses/fractions").text
    assert 'role="alert"' in page
    assert '<tr id="fit-model" class="stale">' in page
    assert "AUC 0." in page  # the held-out AUC, to two places
    auth = {"Authorization": f"Bearer {role_token(clients['admin'], w, 'admin')}"}
    body = clients["admin"].get("/api/v1/admin/courses/fractions", headers=auth).json()
    assert body["model"]["stale"] is True
    assert body["model"]["since"] == 1
    assert body["memory"]["fitted_at"] is None
    assert body["score"]["needed"] == 12 * 10  # the demo's score test: 12 items, 10 answers each
    assert [(c["name"], c["ended_at"]) for c in body["classes"]] == [("7B", None), ("8C", None)]
    # the nightly fits run again: the warning goes
    fit_course_model(w.db, w.course_id, now)
    calibrate_score_bank(w.db, w.course_id, now)
    assert course_health(w.db, w.admin, "fractions", now=now).stale == []


def test_a_fit_not_used_says_so_beside_the_authors_parameters(
    sqlite_world: World, clients: dict[str, TestClient], hasher: PasswordHasher
) -> None:
    w = sqlite_world
    swapped_difficulty(w.db, hasher, w.course, w.course_id)
    fit = fit_course_model(w.db, w.course_id, T0)
    assert fit.baseline_auc is not None
    assert not fit.adopted
    page = clients["admin"].get("/admin/courses/fractions").text
    assert (
        f"AUC {fit.auc:.2f} on held-out learners (the authors' parameters: {fit.baseline_auc:.2f})"
        in page
    )
    assert "not used: the authors' parameters predict better, so they still run" in page
    auth = {"Authorization": f"Bearer {role_token(clients['admin'], w, 'admin')}"}
    body = clients["admin"].get("/api/v1/admin/courses/fractions", headers=auth).json()
    assert body["model"]["adopted"] is False
    assert body["model"]["baseline"] == pytest.approx(fit.baseline_auc)
    # a fit that beats them is used, and the page says nothing of the kind
    history(w.db, hasher, w.course, w.course_id)
    better = fit_course_model(w.db, w.course_id, T0)
    assert better.adopted
    page = clients["admin"].get("/admin/courses/fractions").text
    assert "not used" not in page
    # three objectives were answered by enough learners for parameters of their own
    assert better.objectives_fitted == (3, 12)
    assert (
        "3 of 12 objectives have parameters of their own; the others, answered by too few "
        "learners, keep the authors'" in page
    )
    body = clients["admin"].get("/api/v1/admin/courses/fractions", headers=auth).json()
    assert body["objectives_fitted"] == 3


def test_memory_parameters_not_used_say_so_beside_the_defaults(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    unlike_memories(sqlite_world)
    outcome = fit_course_memory(sqlite_world.db, sqlite_world.course_id, T0)
    assert outcome.baseline_log_loss is not None
    assert not outcome.adopted
    page = clients["admin"].get("/admin/courses/fractions").text
    row = page[page.index('<tr id="fit-memory"') :]
    row = row[: row.index("</tr>")]
    assert (
        f"log loss {outcome.log_loss:.2f} (FSRS's defaults: {outcome.baseline_log_loss:.2f})" in row
    )
    assert "not used: the defaults predict better, so they still run" in row
    auth = {"Authorization": f"Bearer {role_token(clients['admin'], sqlite_world, 'admin')}"}
    body = clients["admin"].get("/api/v1/admin/courses/fractions", headers=auth).json()
    assert body["memory"]["adopted"] is False
    assert body["memory"]["baseline"] == pytest.approx(outcome.baseline_log_loss)
    assert body["model"]["adopted"] is True  # nothing fitted there: nothing set aside


def test_the_course_and_account_reports_read_alike_on_both_databases(world: World) -> None:
    """The reports' SQL (a filtered count, LIKE with an escape) on SQLite and PostgreSQL."""
    end_class(world.db, world.admin, class_id=world.other_class_id, now=T0)
    health = course_health(world.db, world.admin, "fractions")
    assert health.classes == [
        (world.class_id, "7B", 2, None),
        (world.other_class_id, "8C", 1, T0),  # ended, and when
    ]
    assert (health.following, health.started, health.answers) == (3, 3, 0)
    found = find_accounts(world.db, world.admin, query="O")
    assert [a.username for a in found.accounts] == ["olga", "omar"]
    assert find_accounts(world.db, world.admin, query="%").total == 0
    assert find_accounts(world.db, world.admin, role="educator").total == 2
