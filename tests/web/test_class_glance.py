"""The educator's classes page says, class by class, what needs them there: who is stuck, the
work that waits for their feedback and the overdue assignments, each linking to where it is dealt
with; nothing of it on an admin's list of every class."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from learnloop.config import PedagogySettings
from learnloop.reports.class_glance import class_glance
from learnloop.services.assignments import assign_activity
from learnloop.services.demo_practice import answer_for
from learnloop.services.item_reports import report_item
from learnloop.services.learning import record_attempt
from learnloop.services.projects import submit_work
from tests.conftest import World, unlock_activity


def test_the_classes_page_says_what_needs_the_educator_in_each_class(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    calm = educator.get("/teach").text
    assert (
        "Nobody is stuck or quiet, no work waits for feedback, nothing assigned is overdue and no "
        "reported question waits." in calm
    )

    items = ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]  # each missed twice: all counted
    for n in range(PedagogySettings().stuck_min_attempts):  # Lea keeps missing: stuck
        item = items[n % len(items)]
        record_attempt(w.db, w.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(w.course, item, False))  # fmt: skip
    unlock_activity(w, w.other_learner, "recipe-project")
    submit_work(w.db, w.other_learner, activity_key="recipe-project", body="For 6: ...")
    past = datetime.now(UTC) - timedelta(days=5)
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
        activity_key="parts-read", due_on=(past + timedelta(days=1)).date(), now=past,
    )  # fmt: skip
    report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3", kind="typo",
                comment="")  # fmt: skip
    report_item(w.db, w.outsider, activity_key="parts-practice", item_key="pw-3", kind="typo",
                comment="")  # 8C's: not 7B's news  # fmt: skip

    busy = educator.get("/teach").text
    card = busy.split('<ul class="glance">')[1].split("</ul>")[0]
    assert f'<a href="/teach/classes/{w.class_id}#stuck-h">1 learner is stuck</a>: Lea' in card
    assert (
        f'<a href="/teach/classes/{w.class_id}/work">1 piece of work waits for your feedback</a>'
    ) in card
    assert (
        f'<a href="/teach/classes/{w.class_id}/assignments">1 assignment is overdue</a>: '
        "What is a fraction?"
    ) in card
    glance = class_glance(w.db, w.educator, w.class_id, PedagogySettings(),
                          datetime.now(UTC).date())  # fmt: skip
    assert (
        f'<a href="/teach/classes/{w.class_id}/items#reports">1 question reported by a learner '
        "waits for a look</a>"
    ) in card
    assert (len(glance.stuck), glance.awaiting_feedback, len(glance.overdue), glance.reported) == (
        1, 1, 1, 1,
    )  # fmt: skip

    other = clients["other_educator"].get("/teach").text  # 8C: its own report, none of 7B's news
    assert "1 question reported by a learner waits for a look" in other
    assert "learner is stuck" not in other
    assert "Lea" not in other
    admin = clients["admin"].get("/teach").text  # every class, and none of this
    assert 'class="glance"' not in admin
    assert "Nobody is stuck" not in admin


def test_the_classes_page_names_who_has_gone_quiet(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    record_attempt(w.db, w.other_learner, activity_key="parts-practice", item_key="pw-4",
                   response=answer_for(w.course, "pw-4", True),
                   now=datetime.now(UTC) - timedelta(days=8))  # fmt: skip
    card = clients["educator"].get("/teach").text.split('<ul class="glance">')[1]
    assert f'<a href="/teach/classes/{w.class_id}#quiet">1 learner has gone quiet</a>: Omar' in card
