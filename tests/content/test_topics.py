"""Topics: declared in course.yaml, named by activities, checked with file and line, kept through
storage; and learners' interests matched against them (domain.interests)."""

from __future__ import annotations

from pathlib import Path

from learnloop.content.course_loader import load_course
from learnloop.domain import Topic
from learnloop.domain.course_codec import course_from_dict, course_to_dict
from learnloop.domain.interests import interest_words, topics_of_interest, word_forms
from tests.content.course_factory import ACTIVITY_A, ACTIVITY_B, COURSE_YAML, write_course
from tests.content.test_misconceptions import messages

DECLARED = (
    COURSE_YAML
    + """\
topics:
  - key: cooking
    title: cooking
    words: [Baking, recipe]
  - key: board-games
    title: board games
"""
)
ABOUT_COOKING = ACTIVITY_A.replace("items: [a-1]\n", "items: [a-1]\ntopics: [cooking]\n")
ABOUT_GAMES = ACTIVITY_B.replace("items: [b-1]\n", "items: [b-1]\ntopics: [board-games]\n")


def test_topics_load_and_survive_storage(tmp_path: Path) -> None:
    course = load_course(
        write_course(
            tmp_path,
            **{
                "course.yaml": DECLARED,
                "activities/a-read.md": ABOUT_COOKING,
                "activities/b-practice.md": ABOUT_GAMES,
            },
        )
    )
    assert course.topics == {
        "cooking": Topic("cooking", "cooking", ("baking", "recipe")),  # words in lower case
        "board-games": Topic("board-games", "board games", ()),
    }
    assert course.activities["a-read"].topics == ("cooking",)
    assert course.activities["b-practice"].topics == ("board-games",)
    assert course_from_dict(course_to_dict(course)) == course


def test_a_course_without_topics_is_stored_as_before_them(tmp_path: Path) -> None:
    data = course_to_dict(load_course(write_course(tmp_path)))
    assert "topics" not in data  # so its content hash is the one it had before topics
    assert all("topics" not in a for a in data["activities"].values())


def test_bad_topics_are_named_with_file_and_line(tmp_path: Path) -> None:
    bad_yaml = (
        COURSE_YAML
        + """\
topics:
  - key: cooking
    title: cooking
  - key: cooking
    title: again
  - key: Music
    title: music
  - key: sport
    words: [football, 3]
    colour: red
"""
    )
    unknown = ACTIVITY_A.replace("items: [a-1]\n", "items: [a-1]\ntopics: [cooking, chess]\n")
    found = messages(
        write_course(tmp_path, **{"course.yaml": bad_yaml, "activities/a-read.md": unknown})
    )
    assert ("course.yaml", 14, "topic 'cooking' is defined twice") in found
    assert (
        "course.yaml", 16, "topic key 'Music' must be lower-case letters, digits, - or _"
    ) in found  # fmt: skip
    assert ("course.yaml", 18, "topic 'sport' needs a title") in found
    assert (
        "course.yaml", 19,
        "topic 'sport': words must be a list of words of 1 to 60 characters",
    ) in found  # fmt: skip
    assert any(line == 20 and "unknown topic field 'colour'" in m for _, line, m in found)
    assert (
        "activities/a-read.md", 7,
        "activity 'a-read' names unknown topic 'chess' (the course's topics: cooking, sport)",
    ) in found  # fmt: skip
    assert (
        "course.yaml", 18,
        "topic 'sport' is named by no activity, so onboarding would offer it for nothing",
    ) in found  # fmt: skip
    not_a_list = ACTIVITY_A.replace("items: [a-1]\n", "items: [a-1]\ntopics: cooking\n")
    found = messages(write_course(tmp_path / "2", **{"activities/a-read.md": not_a_list}))
    assert ("activities/a-read.md", 7, "topics must be a list of topic keys, not 'cooking'") in (
        found
    )


def test_interests_name_topics_by_key_title_or_words_whole() -> None:
    topics = {
        "cooking": Topic("cooking", "cooking", ("baking", "recipe")),
        "board-games": Topic("board-games", "board games", ("chess",)),
        "making": Topic("making", "making things", ()),
    }

    def named(text: str) -> set[str]:
        return set(topics_of_interest(topics, text))

    assert named("Cooking, football and music") == {"cooking"}  # case does not count
    assert named("I love recipes and CHESS") == {"cooking", "board-games"}  # plural, word list
    assert named("board games") == {"board-games"}  # the key's words, in order
    assert named("Board-games") == {"board-games"}
    assert named("games") == set()  # a part of a name is not the name
    assert named("many things") == set()
    assert named("making things with paper") == {"making"}
    assert named("") == set()
    assert named("hobbies: glasses") == set()
    for plural, singular in [("hobbies", "hobby"), ("glasses", "glass"), ("recipes", "recipe"),
                             ("Movies", "movie"), ("buses", "bus")]:  # fmt: skip
        assert word_forms(plural) & word_forms(singular), (plural, singular)
    assert not word_forms("bus") & word_forms("bu")  # too short to be a plural
    assert [sorted(w) for w in interest_words("Drums!")] == [["drum", "drums"]]
