"""A learner's interests, as they wrote them at onboarding, against what a course's activities
are about (product.md, the learning loop's first step: "a few questions on goals, interests ...").

Interests are free text ("cooking, football and music"), so the match is by words: a topic is
named when its key, its title or one of its words appears in the text, a name of several words
("board games") as those words in that order, so that "things" alone never names "making things".
Case does not count, and a word and its plural are one ("recipes" names "recipe"), since a learner
writes either. Nothing else is guessed: a course that wants "soccer" to find its sport activities
says so in the topic's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from learnloop.domain.course import Topic

__all__ = ["interest_words", "topics_of_interest", "word_forms"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STEM_MIN = 3  # letters left after a plural ending is taken off: "bus" is not the plural of "bu"


def word_forms(word: str) -> frozenset[str]:
    """The word, lower-cased, and what it is the plural of if it is one ("hobbies": hobby,
    "glasses": glass, "recipes": recipe). Two words are one when their forms meet."""
    w = word.casefold()
    forms = {w}
    for ending, singular in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(ending) and len(w) - len(ending) >= _STEM_MIN:
            forms.add(w[: -len(ending)] + singular)
    return frozenset(forms)


def interest_words(text: str) -> tuple[frozenset[str], ...]:
    """The words of ``text`` in order, each as its forms (word_forms)."""
    return tuple(word_forms(w) for w in _WORD.findall(text))


def _names(text: tuple[frozenset[str], ...], name: tuple[frozenset[str], ...]) -> bool:
    n = len(name)
    return n > 0 and any(
        all(text[i + j] & name[j] for j in range(n)) for i in range(len(text) - n + 1)
    )


def topics_of_interest(topics: Mapping[str, Topic], interests: str) -> frozenset[str]:
    """The keys of the topics that ``interests`` names, by their key, title or words."""
    text = interest_words(interests)
    if not text:
        return frozenset()
    return frozenset(
        key
        for key, topic in topics.items()
        if any(
            _names(text, interest_words(name))
            for name in (key.replace("-", " "), topic.title, *topic.words)
        )
    )
