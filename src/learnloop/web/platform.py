"""What every request needs, built once per app by ``create_app``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from fastapi.templating import Jinja2Templates

from learnloop.config import Settings
from learnloop.engine import MasteryCriterion
from learnloop.services.login_limits import LoginLimits
from learnloop.services.lrs import LrsCaller
from learnloop.services.statement_writer import StatementWriter
from learnloop.storage import Database
from learnloop.web.i18n import Catalogs

__all__ = ["Platform"]


@dataclass(frozen=True)
class Platform:
    settings: Settings
    db: Database
    hasher: PasswordHasher
    templates: Jinja2Templates
    secret_key: str
    lrs_writer: StatementWriter  # the LRS's group commit (one writer thread a process)
    catalogs: Catalogs  # the languages the pages speak (web.i18n)
    # LRS credentials verified in this process, by the SHA-256 of key:secret: (when, the
    # verification) kept for a minute (web.xapi_http.authenticate)
    credential_cache: dict[str, tuple[float, asyncio.Future[LrsCaller]]] = field(
        default_factory=dict
    )

    def forget_lrs_client(self, name: str) -> None:
        """Drop this process's verified credentials of the client ``name`` (it was revoked), and
        any verification still running, so that the next request checks them again."""
        for digest, (_, verified) in list(self.credential_cache.items()):
            done = verified.done() and not verified.cancelled() and not verified.exception()
            if not done or verified.result().name == name:
                self.credential_cache.pop(digest, None)

    @property
    def default_mastery(self) -> MasteryCriterion:
        """The instance's mastery criterion, for a course whose objectives set none."""
        pedagogy = self.settings.pedagogy
        return MasteryCriterion(pedagogy.mastery_threshold, pedagogy.mastery_min_attempts)

    @property
    def login_limits(self) -> LoginLimits:
        return LoginLimits(
            per_account=self.settings.login_failures_per_account,
            per_address=self.settings.login_failures_per_address,
            window=timedelta(minutes=self.settings.login_failure_window_minutes),
        )
