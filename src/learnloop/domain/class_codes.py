"""What a class join code looks like (services.class_codes opens and uses them).

A code is ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two
groups of five. 31^10 is about 8 x 10^14 codes, so guessing one is hopeless without counting
failures: at 1,000 guesses a second against 1,000 open codes, the first hit is expected after
about 26 years, and a code lasts weeks. Typing is forgiving: case, spaces and dashes are ignored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from learnloop.exceptions import InvalidInput

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "OpenCode",
    "new_code",
    "normalized_code",
    "shown_code",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_IGNORED = frozenset(" -\t\r\n")


@dataclass(frozen=True, slots=True)
class OpenCode:
    """A class's join code as its educators see it."""

    class_id: int
    code: str  # as stored, without the dash
    created_at: datetime
    expires_at: datetime

    @property
    def shown(self) -> str:
        return shown_code(self.code)

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


def new_code() -> str:
    """A fresh code from the operating system's randomness."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalized_code(typed: str) -> str:
    """The code in what someone typed, as stored; InvalidInput (field ``code``) when it cannot
    be one."""
    code = "".join(ch for ch in typed.upper() if ch not in _IGNORED)
    if not code:
        raise InvalidInput("code", "give the class code your educator gave you")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise InvalidInput(
            "code",
            "a class code is %(n)s letters and digits, like ABCDE-FGH23: check it with your "
            "educator",
            n=CODE_LENGTH,
        )
    return code


def shown_code(code: str) -> str:
    """The code as people read and copy it: two groups of five."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
