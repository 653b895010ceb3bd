"""Who is acting: the user a request or command runs as."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Role", "Viewer"]


class Role(StrEnum):
    LEARNER = "learner"
    EDUCATOR = "educator"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    username: str
    display_name: str
    role: Role
    must_change_password: bool = False  # holds a one-time password: the pages ask for a new one

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
