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
    "N_",
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


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a message for the translation catalogs (``make messages``); it is translated where
    it is shown."""
    return message


class LearnloopError(Exception):
    """Base of every error learnloop raises on purpose.

    Its message is English, written with ``%(name)s`` placeholders and their ``values`` apart
    (``NotFound("no class %(id)s", id=7)``), so that a page can say it in the reader's language
    (``web.rendering.said``): ``template`` is what the catalogs translate, ``str(error)`` the
    English with the values filled in."""

    def __init__(self, message: str = "", **values: object) -> None:
        self.template = message
        self.values = values
        super().__init__(message % values if values else message)


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

    def __init__(self, field: str, message: str, **values: object) -> None:
        self.field = field
        self.message = message % values if values else message
        super().__init__(f"{field}: {self.message}")
        self.template = message  # the message alone, without the field
        self.values = values


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
        one, many = _TRY_AGAIN
        super().__init__(one if minutes == 1 else many, minutes=minutes)


_TRY_AGAIN = (
    N_("too many failed logins for this account or from this network; try again in %(minutes)s "
       "minute"),
    N_("too many failed logins for this account or from this network; try again in %(minutes)s "
       "minutes"),
)  # fmt: skip


class Conflict(LearnloopError):
    """The request contradicts what is stored (an xAPI statement id reused for other content)."""


class NotFittedError(LearnloopError, ValueError):
    """A learner model was used before ``fit`` gave it its learned state."""
