"""When a reminder is due, which addresses pass, the stop link's token, and the e-mail's text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from learnloop.content.catalogs import Catalogs
from learnloop.domain.goals import GoalPace
from learnloop.domain.reminders import (
    REMINDER_SLACK,
    STUCK_NAMED,
    AssignedWork,
    ClassDigest,
    ClassNews,
    Digest,
    OverdueWork,
    check_email,
    check_frequency,
    reminder_due,
    reminder_text,
    stop_token,
    stop_token_matches,
)
from learnloop.exceptions import InvalidInput

NOW = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("frequency", "ago", "due"),
    [
        ("daily", None, True),
        ("daily", timedelta(days=1), True),
        ("daily", timedelta(days=1) - REMINDER_SLACK, True),  # cron ran a little early today
        ("daily", timedelta(days=1) - REMINDER_SLACK - timedelta(minutes=1), False),
        ("daily", timedelta(hours=2), False),
        ("weekly", timedelta(days=6), False),
        ("weekly", timedelta(days=7) - REMINDER_SLACK, True),
        ("weekly", timedelta(days=30), True),
    ],
)
def test_a_reminder_is_due_once_its_interval_has_passed(
    frequency: str, ago: timedelta | None, due: bool
) -> None:
    assert reminder_due(frequency, None if ago is None else NOW - ago, NOW) is due


@pytest.mark.parametrize("address", ["lea@example.org", " Lea.Martin+maths@school.example.fr "])
def test_usable_addresses_pass_stripped(address: str) -> None:
    assert check_email(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    ["", "lea", "lea@", "@example.org", "lea@example", "lea@@example.org", "lea martin@example.org",
     "lea@example.org, boss@example.org", "<lea@example.org>", "a" * 250 + "@example.org"],
)  # fmt: skip
def test_other_addresses_are_refused_naming_the_field(address: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_email(address)
    assert caught.value.field == "email"


def test_frequency_is_daily_or_weekly() -> None:
    assert check_frequency("daily") == "daily"
    with pytest.raises(InvalidInput) as caught:
        check_frequency("hourly")
    assert caught.value.field == "frequency"


def test_the_stop_token_belongs_to_one_learner_and_one_address() -> None:
    token = stop_token("secret", 7, "lea@example.org")
    assert stop_token_matches("secret", 7, "LEA@example.org", token)  # the domain's case is free
    assert not stop_token_matches("secret", 8, "lea@example.org", token)
    assert not stop_token_matches("secret", 7, "lea@other.example", token)
    assert not stop_token_matches("another secret", 7, "lea@example.org", token)
    assert not stop_token_matches("secret", 7, "lea@example.org", token[:-1] + "0")


def digest(**changes: object) -> Digest:
    base: dict[str, object] = {
        "user_id": 7, "email": "lea@example.org", "language": "en", "frequency": "daily",
        "display_name": "Lea", "course_title": "Fractions",
    }  # fmt: skip
    return Digest(**(base | changes))  # type: ignore[arg-type]


def test_only_something_waiting_makes_news() -> None:
    assert not digest().has_news
    assert not digest(next_step=("Parts of a whole", "ready to learn")).has_news
    assert digest(reviews_due=1).has_news
    assert digest(assignments=[AssignedWork("Parts practice")]).has_news
    assert digest(new_messages=2).has_news
    pace = GoalPace("behind", 3, 10, 2.1, 0.5, date(2027, 1, 30), "3 objectives to go.")
    assert digest(pace=pace).has_news


def test_the_text_says_what_waits_and_how_to_stop() -> None:
    text = reminder_text(
        digest(reviews_due=2, assignments=[AssignedWork("Parts practice"),
                                           AssignedWork("Pizza slices")], new_messages=1,
               next_step=("Compare fractions", "ready: you mastered Parts of a whole")),
        home_url="https://learn.example.org/learn",
        stop_url="https://learn.example.org/reminders/stop?user=7&token=abc",
    )  # fmt: skip
    assert text.subject == "What is waiting for you in Fractions"
    assert "Hello Lea," in text.body
    assert "2 reviews are due" in text.body
    assert "Your educator assigned 2 activities: Parts practice, Pizza slices." in text.body
    assert "1 new message from your educators." in text.body
    assert "Suggested next: Compare fractions (ready: you mastered Parts of a whole)." in text.body
    assert "https://learn.example.org/learn" in text.body
    assert text.body.rstrip().endswith("https://learn.example.org/reminders/stop?user=7&token=abc")
    assert "daily" in text.body
    assert "Your goal" not in text.body  # nothing about a goal unless it fell behind


def test_the_text_is_written_in_the_learners_language() -> None:
    french = Catalogs.load().wording("fr")
    text = reminder_text(
        digest(language="fr", frequency="weekly", reviews_due=1),
        home_url="https://x.example/learn", stop_url="https://x.example/stop", words=french,
    )  # fmt: skip
    assert text.subject == "Ce qui vous attend dans Fractions"
    assert "Bonjour Lea," in text.body
    assert "1 révision à faire" in text.body
    assert "au plus une fois par semaine" in text.body


def class_digest(*classes: ClassNews, frequency: str = "weekly") -> ClassDigest:
    return ClassDigest(3, "t@example.org", "en", frequency, "Ms Tran", list(classes))


def test_an_educators_reminder_names_the_stuck_and_counts_the_work_class_by_class() -> None:
    assert not class_digest().has_news
    assert not class_digest(ClassNews("7B", [], 0)).has_news
    assert class_digest(ClassNews("7B", [], 1)).has_news
    stuck = [(f"Learner {n}", "Parts of a whole") for n in range(STUCK_NAMED + 2)]
    text = reminder_text(
        class_digest(ClassNews("7B", stuck, 0), ClassNews("8C", [("Omar", "Equivalence")], 2)),
        home_url="https://learn.example.org/teach", stop_url="https://learn.example.org/stop",
    )  # fmt: skip
    assert text.subject == "Who needs you in your classes"
    assert "Hello Ms Tran," in text.body
    seven_b = text.body.split("\n7B\n")[1].split("\n8C\n")[0]
    assert f"- {STUCK_NAMED + 2} learners are stuck: Learner 0 on Parts of a whole;" in seven_b
    assert f"Learner {STUCK_NAMED - 1} on Parts of a whole; and 2 more." in seven_b
    assert f"Learner {STUCK_NAMED}" not in seven_b  # five named, the rest counted
    assert "work" not in seven_b  # nothing to review there
    eight_c = text.body.split("\n8C\n")[1]
    assert "- 1 learner is stuck: Omar on Equivalence." in eight_c
    assert "- 2 pieces of work wait for your feedback." in eight_c
    assert "https://learn.example.org/teach" in text.body
    assert "at most once a week" in text.body


def test_an_educators_reminder_counts_the_questions_learners_reported() -> None:
    assert class_digest(ClassNews("7B", [], 0, reported=1)).has_news
    text = reminder_text(
        class_digest(ClassNews("7B", [], 0, reported=2)),
        home_url="https://x.example/teach", stop_url="https://x.example/stop",
    )  # fmt: skip
    assert "- 2 questions reported by learners wait for a look." in text.body


def test_an_educators_reminder_in_french() -> None:
    french = Catalogs.load().wording("fr")
    text = reminder_text(
        class_digest(ClassNews("7B", [("Lea", "Parts")], 1), frequency="daily"),
        home_url="https://x.example/teach", stop_url="https://x.example/stop", words=french,
    )  # fmt: skip
    assert text.subject == "Qui a besoin de vous dans vos classes"
    assert "1 élève bloqué\u00a0: Lea sur «\u00a0Parts\u00a0»." in text.body
    assert "1 travail attend votre retour." in text.body


def test_overdue_work_comes_first_and_each_assignment_says_its_due_day() -> None:
    work = [
        AssignedWork("Reading", date(2027, 3, 1), overdue=True),
        AssignedWork("Strips", date(2027, 3, 9)),
        AssignedWork("Pizza slices"),
    ]
    body = reminder_text(
        digest(assignments=work), home_url="https://x.example/learn", stop_url="https://x.example/s"
    ).body
    assert "- 1 assignment is overdue: Reading (overdue since March 1).\n" in body
    assert "- Your educator assigned 2 activities: Strips (due March 9), Pizza slices.\n" in body
    assert body.index("overdue") < body.index("Your educator assigned")
    french = reminder_text(
        digest(language="fr", assignments=work[:1]),
        home_url="https://x.example/learn", stop_url="https://x.example/s",
        words=Catalogs.load().wording("fr"),
    ).body  # fmt: skip
    assert "Reading (en retard depuis le 1 mars)" in french
    assert "vous a confié" not in french  # nothing else assigned: no second line


def test_an_educator_hears_of_overdue_assignments_until_they_are_done() -> None:
    late = ClassNews("7B", [], 0, overdue=[OverdueWork("Reading", 3), OverdueWork("Strips", 1)])
    assert class_digest(late).has_news
    body = reminder_text(
        class_digest(late), home_url="https://x.example/teach", stop_url="https://x.example/s"
    ).body
    assert (
        "- 2 assignments are overdue: Reading (3 learners have not done it), "
        "Strips (1 learner has not done it)."
    ) in body


def test_a_learners_reminder_tells_of_answers_to_their_reports() -> None:
    quiet = Digest(1, "lea@example.org", "en", "daily", "Lea", "Fractions")
    assert not quiet.has_news
    told = Digest(1, "lea@example.org", "en", "daily", "Lea", "Fractions", report_answers=2)
    assert told.has_news
    text = reminder_text(told, home_url="https://x.example/learn", stop_url="https://x.example/s")
    assert "2 answers to questions you reported." in text.body
