"""What a new password must not be (NIST SP 800-63B, 5.1.1.2): shorter than eight characters, or
one that guessing tools try first: a character or two repeated, a run of keys or letters, the
account's own username, the service's name, or a common word with digits or symbols around it.
No composition rules (a digit, a capital...): they make passwords harder to remember, not to
guess. Whatever passes is hashed with argon2 (services.accounts).

The common words are a short list written here, of the kind every guessing list starts with; a
check against a large list of breached passwords would need that list shipped or fetched, and
learnloop runs offline.
"""

from __future__ import annotations

import re

from learnloop.exceptions import InvalidInput

__all__ = ["MIN_PASSWORD_LENGTH", "check_new_password"]

# NIST SP 800-63B: at least 8 characters for a memorized secret, no composition rules.
MIN_PASSWORD_LENGTH = 8
SERVICE_NAME = "learnloop"
_NAME_LETTERS = 4
# Runs a guesser walks: digits, the alphabet, and the letter rows of the keyboards learnloop's
# readers type on (QWERTY, AZERTY, QWERTZ), each also read backwards.
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm",
         "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop", "yxcvbnm")  # fmt: skip
# Words every guessing list tries first, in the languages learnloop speaks.
_COMMON = frozenset({
    "password", "passw0rd", "motdepasse", "secret", "letmein", "welcome", "bienvenue", "iloveyou",
    "jetaime", "admin", "administrator", "teacher", "student", "school", "ecole", "football",
    "soleil", "monkey", "dragon", "sunshine", "princess", "baseball", "master", "shadow",
    "superman", "batman", "azerty", "qwerty", "trustno1", "changeme", "login", "abc", "test",
})  # fmt: skip
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _in_a_run(text: str) -> bool:
    """Whether ``text`` (lower case, at least 4 characters) is a stretch of one of the runs,
    either way, the run repeated as often as needed (``"78901234"``)."""
    for run in _RUNS:
        for way in (run, run[::-1]):
            if text in way * (len(text) // len(way) + 2):
                return True
    return False


def _repeated_chunk(text: str) -> bool:
    """Whether ``text`` is a chunk of at most four characters said again and again
    (``"abcabcab"``, ``"12121212"``)."""
    return any(
        text == (text[:p] * (len(text) // p + 1))[: len(text)] for p in range(1, 5) if p < len(text)
    )


def check_new_password(
    password: str, *, username: str = "", display_name: str = "", field: str = "password"
) -> None:
    """InvalidInput naming ``field`` when ``password`` may not be chosen, saying why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(field, "use at least %(min)s characters", min=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    compact = re.sub(r"[\s\W_]+", "", lowered)
    if len(set(lowered)) <= 2 or (compact and _repeated_chunk(compact)):
        raise InvalidInput(field, "a few characters said again and again are guessed at once")
    if len(compact) >= 4 and _in_a_run(compact):
        raise InvalidInput(
            field, "a run of keys or letters, like 12345678 or qwertyui, is guessed at once"
        )
    if SERVICE_NAME in lowered:
        raise InvalidInput(field, "a password with the site's name in it is guessed at once")
    # A name counts from four letters: a shorter one ("lea", "ben") is inside too many words.
    if len(username) >= _NAME_LETTERS and username.lower() in lowered:
        raise InvalidInput(field, "a password with your username in it is guessed at once")
    names = [w for w in re.split(r"\W+", display_name.lower()) if len(w) >= _NAME_LETTERS]
    if any(name in lowered for name in names):
        raise InvalidInput(field, "a password with your name in it is guessed at once")
    stripped = _EDGES.sub("", lowered)
    if stripped and (stripped in _COMMON or stripped.translate(_LEET) in _COMMON):
        raise InvalidInput(
            field, "a common word, even with digits or symbols around it, is guessed at once"
        )
