"""Where a signed-in person lands, and which ``next`` a form may send them to."""

from __future__ import annotations

from learnloop.domain import Role

__all__ = ["HOME", "safe_next"]

HOME = {Role.LEARNER: "/learn", Role.EDUCATOR: "/teach", Role.ADMIN: "/admin"}


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
