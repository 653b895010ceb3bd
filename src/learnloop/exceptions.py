"""The error tree of learnloop.

Every error the platform raises on purpose derives from ``LearnloopError``::

    LearnloopError
     ├── ContentError            a course folder is invalid; carries every ContentIssue (file, line)
     ├── NotFound                a course, activity, item, class or user does not exist
     ├── PermissionDenied        the user's role or class scope does not allow the operation
     ├── InvalidInput            a request names a bad field value; ``field`` says which
     │    └── DuplicateName      a username or slug is taken
     ├── AuthenticationFailed    wrong credentials, or an expired or unknown session
     ├── TooManyAttempts         too many failed logins lately; ``retry_after`` seconds to wait
     ├── Conflict                an xAPI statement id is stored with other content
     └── NotFittedError          a learner model was asked to predict before ``fit``

The web layer maps them to HTTP: ContentError and InvalidInput to 400 (422 for API bodies that
pydantic rejects), NotFound to 404, PermissionDenied to 403, AuthenticationFailed to 401,
Conflict to 409, TooManyAttempts to 429 with Retry-After.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AuthenticationFailed",
    "Conflict",
    "ContentError",
    "ContentIssue",
    "DuplicateName",
    "InvalidInput",
    "LearnloopError",
    "NotFittedError",
    "NotFound",
    "PermissionDenied",
    "TooManyAttempts",
]


class LearnloopError(Exception):
    """Base of every error learnloop raises on purpose."""


@dataclass(frozen=True, slots=True)
class ContentIssue:
    """One problem in a course folder, located by file and line (1-based; 0 if unknown)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(LearnloopError):
    """A course folder has one or more problems; ``issues`` lists them all."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class NotFound(LearnloopError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class PermissionDenied(LearnloopError):
    """The caller is known but not allowed to do this."""


class InvalidInput(LearnloopError):
    """A request carries a bad value; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class DuplicateName(InvalidInput):
    """A unique name (username, course slug, class name) is already taken."""


class AuthenticationFailed(LearnloopError):
    """Credentials or a session token did not identify anyone."""


class TooManyAttempts(LearnloopError):
    """Logins for this account or from this address failed too often lately; none is checked
    for ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            "too many failed logins for this account or from this network; "
            f"try again in {minutes} minute{'s' if minutes != 1 else ''}"
        )


class Conflict(LearnloopError):
    """The request contradicts what is stored (an xAPI statement id reused for other content)."""


class NotFittedError(LearnloopError, ValueError):
    """A learner model was used before ``fit`` gave it its learned state."""
