"""E-mail reminders in the database: a learner asks for them, changes and stops them (also from a
reminder's link); the reminders due say what waits, and a sent one waits its interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learnloop.config import PedagogySettings
from learnloop.content.catalogs import Catalogs
from learnloop.domain import Viewer
from learnloop.domain.reminders import AssignedWork, ClassNews, Digest, reminder_text, stop_token
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.reports.reminders import due_class_digests, due_digests, my_reminders
from learnloop.services.assignments import assign_activity
from learnloop.services.demo_practice import answer_for
from learnloop.services.item_reports import mark_answers_seen, report_item, resolve_item_report
from learnloop.services.learning import record_attempt
from learnloop.services.messages import send_feedback
from learnloop.services.projects import submit_work
from learnloop.services.reminders import (
    record_reminder_sent,
    stop_reminders,
    stop_reminders_with_token,
    want_reminders,
)
from tests.conftest import World, unlock_activity

CATALOGS = Catalogs.load()


def soon() -> datetime:
    """A little after the clock now: educators' messages carry the clock's time when sent."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)


LONG_AGO = soon() - timedelta(days=90)


def due(world: World, at: datetime | None = None) -> dict[int, Digest]:
    at = at or soon()
    return {d.user_id: d for d in due_digests(world.db, PedagogySettings(), at, CATALOGS.wording)}


def master_parts(world: World, when: datetime) -> None:
    for item in ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]:
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(world.course, item, True), now=when,
        )  # fmt: skip


def test_a_learner_asks_for_reminders_changes_them_and_stops_them(world: World) -> None:
    now = soon()  # the moment the test stands at
    assert my_reminders(world.db, world.learner) is None
    want_reminders(world.db, world.learner, email=" lea@example.org ", frequency="weekly",
                   language="en", now=LONG_AGO)  # fmt: skip
    mine = my_reminders(world.db, world.learner)
    assert mine is not None
    assert (mine.email, mine.frequency, mine.language, mine.since) == (
        "lea@example.org", "weekly", "en", LONG_AGO)  # fmt: skip
    record_reminder_sent(world.db, user_id=world.learner.user_id, email="lea@example.org", at=now)
    want_reminders(world.db, world.learner, email="lea@school.example", frequency="daily",
                   language="fr")  # fmt: skip
    changed = my_reminders(world.db, world.learner)
    assert changed is not None
    assert (changed.email, changed.frequency, changed.language) == (
        "lea@school.example", "daily", "fr")  # fmt: skip
    assert changed.since == LONG_AGO  # the same request, changed
    assert changed.last_sent_at == now  # so changing it sends no extra reminder
    assert stop_reminders(world.db, world.learner)
    assert my_reminders(world.db, world.learner) is None  # the address is gone
    assert not stop_reminders(world.db, world.learner)


def test_only_learners_and_educators_ask_and_a_bad_request_changes_nothing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        want_reminders(world.db, world.admin, email="a@example.org", frequency="daily",
                       language="en")  # fmt: skip
    with pytest.raises(PermissionDenied):
        my_reminders(world.db, world.admin)
    want_reminders(world.db, world.learner, email="lea@example.org", frequency="daily",
                   language="en")  # fmt: skip
    for email, frequency, field in (("lea@", "daily", "email"),
                                    ("lea@other.example", "hourly", "frequency")):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            want_reminders(world.db, world.learner, email=email, frequency=frequency,
                           language="en")  # fmt: skip
        assert caught.value.field == field
    mine = my_reminders(world.db, world.learner)
    assert mine is not None
    assert (mine.email, mine.frequency) == ("lea@example.org", "daily")


def stuck_on_parts(world: World, who: Viewer, answers: int) -> None:
    """``answers`` wrong answers on the first objective's practice."""
    for n in range(answers):
        item = ["pw-3", "pw-5"][n % 2]
        record_attempt(world.db, who, activity_key="parts-practice", item_key=item,
                       response=answer_for(world.course, item, False))  # fmt: skip


def test_an_educator_hears_who_is_stuck_and_what_waits_for_feedback(world: World) -> None:
    pedagogy = PedagogySettings(stuck_min_attempts=4)
    now = soon()
    for viewer, address in ((world.educator, "t@example.org"),
                            (world.other_educator, "t2@example.org")):  # fmt: skip
        want_reminders(world.db, viewer, email=address, frequency="weekly", language="en",
                       now=LONG_AGO)  # fmt: skip
    assert due_class_digests(world.db, pedagogy, now) == []  # nobody needs them yet
    stuck_on_parts(world, world.learner, 3)
    assert due_class_digests(world.db, pedagogy, now) == []  # three is not stuck at four
    stuck_on_parts(world, world.learner, 2)
    stuck_on_parts(world, world.outsider, 6)  # 8C's learner: the other educator's class
    unlock_activity(world, world.other_learner, "recipe-project")
    submit_work(world.db, world.other_learner, activity_key="recipe-project", body="For 6: ...")
    found = {d.user_id: d for d in due_class_digests(world.db, pedagogy, now)}
    assert set(found) == {world.educator.user_id, world.other_educator.user_id}
    mine = found[world.educator.user_id]
    parts = world.course.objectives["parts-of-a-whole"].title
    assert mine.email == "t@example.org"
    assert mine.classes == [ClassNews("7B", [("Lea", parts)], 1)]
    assert found[world.other_educator.user_id].classes == [
        ClassNews("8C", [(world.outsider.display_name, parts)], 0)
    ]
    # once sent, the educator hears again a week later, not before
    record_reminder_sent(world.db, user_id=world.educator.user_id, email="t@example.org", at=now)
    later = {d.user_id for d in due_class_digests(world.db, pedagogy, now + timedelta(days=6))}
    assert world.educator.user_id not in later
    assert world.educator.user_id in {
        d.user_id for d in due_class_digests(world.db, pedagogy, now + timedelta(days=7))
    }
    # learners' reminders are not educators', nor the other way round
    assert world.educator.user_id not in due(world, now + timedelta(days=7))


def test_reminders_go_only_to_learners_with_something_waiting(world: World) -> None:
    for viewer, address in ((world.learner, "lea@example.org"),
                            (world.other_learner, "omar@example.org")):  # fmt: skip
        want_reminders(world.db, viewer, email=address, frequency="daily", language="en",
                       now=LONG_AGO)  # fmt: skip
    master_parts(
        world, soon() - timedelta(days=60)
    )  # mastered long enough ago to be due for review
    found = due(world)
    assert set(found) == {world.learner.user_id}  # Omar has nothing waiting: no e-mail
    lea = found[world.learner.user_id]
    assert lea.reviews_due >= 1
    assert lea.email == "lea@example.org"
    assert lea.assignments == []
    assert lea.new_messages == 0

    assign_activity(world.db, world.educator, class_id=world.class_id,
                    learner_ids=[world.other_learner.user_id], activity_key="parts-practice")  # fmt: skip
    send_feedback(world.db, world.educator, class_id=world.class_id,
                  learner_id=world.other_learner.user_id, body="Try the pizza questions")  # fmt: skip
    omar = due(world)[world.other_learner.user_id]
    assert omar.assignments == [AssignedWork(world.course.activities["parts-practice"].title)]
    assert omar.new_messages == 1
    assert omar.reviews_due == 0


def test_a_sent_reminder_waits_its_interval_and_counts_only_newer_messages(world: World) -> None:
    now = soon()  # the moment the test stands at
    want_reminders(world.db, world.other_learner, email="omar@example.org", frequency="daily",
                   language="en", now=LONG_AGO)  # fmt: skip
    send_feedback(world.db, world.educator, class_id=world.class_id,
                  learner_id=world.other_learner.user_id, body="Well done today")  # fmt: skip
    assert due(world)[world.other_learner.user_id].new_messages == 1
    record_reminder_sent(world.db, user_id=world.other_learner.user_id, email="omar@example.org",
                         at=now)  # fmt: skip
    assert world.other_learner.user_id not in due(world, now + timedelta(hours=3))
    # a day on, that message is old news and nothing else waits: nothing is sent
    assert world.other_learner.user_id not in due(world, now + timedelta(days=1))
    assign_activity(world.db, world.educator, class_id=world.class_id,
                    learner_ids=[world.other_learner.user_id], activity_key="parts-practice")  # fmt: skip
    assert world.other_learner.user_id not in due(world, now + timedelta(hours=3))
    later = due(world, now + timedelta(days=1))[world.other_learner.user_id]
    assert later.new_messages == 0
    assert later.assignments


def test_a_reminder_sent_to_an_address_since_changed_is_not_recorded(world: World) -> None:
    now = soon()  # the moment the test stands at
    want_reminders(world.db, world.learner, email="lea@example.org", frequency="daily",
                   language="en", now=LONG_AGO)  # fmt: skip
    want_reminders(world.db, world.learner, email="lea@school.example", frequency="daily",
                   language="en")  # fmt: skip
    record_reminder_sent(world.db, user_id=world.learner.user_id, email="lea@example.org", at=now)
    mine = my_reminders(world.db, world.learner)
    assert mine is not None
    assert mine.last_sent_at is None


def test_a_reminders_link_stops_only_its_own_learners_reminders(world: World) -> None:
    want_reminders(world.db, world.learner, email="lea@example.org", frequency="daily",
                   language="en")  # fmt: skip
    want_reminders(world.db, world.other_learner, email="omar@example.org", frequency="daily",
                   language="en")  # fmt: skip
    lea = world.learner.user_id
    token = stop_token("k", lea, "lea@example.org")
    assert not stop_reminders_with_token(world.db, secret="k", user_id=world.other_learner.user_id,
                                         token=token)  # fmt: skip
    assert not stop_reminders_with_token(world.db, secret="other", user_id=lea, token=token)
    assert my_reminders(world.db, world.other_learner) is not None
    assert stop_reminders_with_token(world.db, secret="k", user_id=lea, token=token)
    assert my_reminders(world.db, world.learner) is None
    assert not stop_reminders_with_token(world.db, secret="k", user_id=lea, token=token)
    # asking again under another address: the old link stops nothing
    want_reminders(world.db, world.learner, email="lea@school.example", frequency="daily",
                   language="en")  # fmt: skip
    assert not stop_reminders_with_token(world.db, secret="k", user_id=lea, token=token)


def test_a_learners_reminder_is_written_in_their_language(world: World) -> None:
    want_reminders(world.db, world.learner, email="lea@example.org", frequency="daily",
                   language="en", now=LONG_AGO)  # fmt: skip
    want_reminders(world.db, world.other_learner, email="omar@example.org", frequency="daily",
                   language="fr", now=LONG_AGO)  # fmt: skip
    for learner in (world.learner, world.other_learner):
        send_feedback(world.db, world.educator, class_id=world.class_id,
                      learner_id=learner.user_id, body="Hello")  # fmt: skip
    found = due(world)
    english = found[world.learner.user_id].next_step
    french = found[world.other_learner.user_id].next_step
    assert english is not None
    assert french is not None
    assert english[0] == french[0]  # the same first step: the course's own title
    assert english[1] != french[1]  # its reason in each learner's language
    assert english[1].startswith("Toward your goal")
    assert french[1].startswith("Vers votre objectif")


def test_an_educator_hears_who_has_gone_quiet(world: World) -> None:
    now = soon()
    want_reminders(world.db, world.educator, email="t@example.org", frequency="daily",
                   language="en", now=LONG_AGO)  # fmt: skip
    for viewer, days in ((world.learner, 9), (world.other_learner, 2)):
        record_attempt(world.db, viewer, activity_key="parts-practice", item_key="pw-4",
                       response=answer_for(world.course, "pw-4", True),
                       now=now - timedelta(days=days))  # fmt: skip
    (digest,) = due_class_digests(world.db, PedagogySettings(), now)
    assert digest.classes == [ClassNews("7B", [], 0, quiet=["Lea"], quiet_days=7)]
    body = reminder_text(digest, home_url="h", stop_url="s").body
    assert "- 1 learner has not answered for 7 days or more: Lea." in body
    # a week later Omar is quiet too, the longest quiet first
    (later,) = due_class_digests(world.db, PedagogySettings(), now + timedelta(days=6))
    assert later.classes[0].quiet == ["Lea", "Omar"]


def test_a_learner_hears_of_answers_to_their_reports_once_and_only_unseen(world: World) -> None:
    now = soon()
    omar = world.other_learner
    want_reminders(world.db, omar, email="omar@example.org", frequency="daily", language="en",
                   now=LONG_AGO)  # fmt: skip
    made = report_item(world.db, omar, activity_key="parts-practice", item_key="pw-4",
                       kind="unclear", comment="which walk?", now=now - timedelta(hours=2))  # fmt: skip
    assert omar.user_id not in due(world, now)  # open: nothing to tell yet
    resolve_item_report(world.db, world.educator, made, reply="Fixed.",
                        now=now - timedelta(hours=1))  # fmt: skip
    assert due(world, now)[omar.user_id].report_answers == 1
    record_reminder_sent(world.db, user_id=omar.user_id, email="omar@example.org", at=now)
    assert omar.user_id not in due(world, now + timedelta(days=1))  # told once
    other = report_item(world.db, omar, activity_key="parts-practice", item_key="pw-5",
                        kind="typo", comment="", now=now + timedelta(hours=1))  # fmt: skip
    resolve_item_report(world.db, world.educator, other, reply="",
                        now=now + timedelta(hours=2))  # fmt: skip
    mark_answers_seen(world.db, omar, [other])  # seen on a page before the reminder
    assert omar.user_id not in due(world, now + timedelta(days=1))
