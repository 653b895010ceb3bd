"""An administrator connects other systems from the admin page or the API, as the operator does
on the command line: LRS credentials for content that sends or reads xAPI statements
(services.lrs: made, shown once, stored hashed, revoked), and one-time links that register an
LTI 1.3 platform by itself (services.lti_registration), or the removal of a platform
(services.lti_platforms). Every change is recorded under the administrator's name.

The names and choices are checked here first, so that a person reads what is wrong in their own
language; the services below check them again for the command line.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select

from learnloop.domain import Role, Viewer
from learnloop.exceptions import DuplicateName, InvalidInput, NotFound
from learnloop.services.lrs import ClientCredentials, create_client, revoke_client
from learnloop.services.lti_platforms import remove_platform
from learnloop.services.lti_registration import invite_platform
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.tables import Course, LrsClient, LtiPlatform

__all__ = [
    "MAX_CONNECTION_NAME",
    "invite_platform_for",
    "new_lrs_client",
    "remove_platform_for",
    "revoke_lrs_client",
]

MAX_CONNECTION_NAME = 120  # as the tables keep it


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "give it a name")
    if len(name) > MAX_CONNECTION_NAME:
        raise InvalidInput("name", "use at most %(max)s characters", max=MAX_CONNECTION_NAME)
    return name


def new_lrs_client(
    db: Database, hasher: PasswordHasher, viewer: Viewer, *, name: str, can_write: bool
) -> ClientCredentials:
    """Credentials for an LRS client (admins): the secret is in the answer only."""
    require_role(viewer, Role.ADMIN)
    name = _name(name)
    with db.reading() as s:
        if s.scalar(select(LrsClient.id).where(LrsClient.name == name)) is not None:
            raise DuplicateName("name", "an LRS client named %(name)s exists", name=repr(name))
    return create_client(db, hasher, name=name, can_write=can_write, actor=viewer.username)


def revoke_lrs_client(db: Database, viewer: Viewer, *, name: str) -> None:
    """Refuse a client's credentials from now on (admins); revoking twice changes nothing."""
    require_role(viewer, Role.ADMIN)
    if not name.strip():
        raise InvalidInput("name", "name the LRS client to revoke")
    with db.reading() as s:
        if s.scalar(select(LrsClient.id).where(LrsClient.name == name)) is None:
            raise NotFound("no LRS client named %(name)s", name=repr(name))
    revoke_client(db, name=name, actor=viewer.username)


def invite_platform_for(db: Database, viewer: Viewer, *, name: str, course_slug: str) -> str:
    """A one-time code for the registration link /lti/register/CODE (admins)."""
    require_role(viewer, Role.ADMIN)
    name = " ".join(name.split())
    if len(name) > MAX_CONNECTION_NAME:
        raise InvalidInput("name", "use at most %(max)s characters", max=MAX_CONNECTION_NAME)
    if course_slug:
        with db.reading() as s:
            if s.scalar(select(Course.id).where(Course.slug == course_slug)) is None:
                raise InvalidInput("course", "there is no course %(slug)s", slug=repr(course_slug))
    return invite_platform(db, name=name, course_slug=course_slug, actor=viewer.username)


def remove_platform_for(db: Database, viewer: Viewer, *, name: str, confirm: str) -> None:
    """Forget an LTI platform (admins), its name typed again: its launches stop, the accounts
    and classes it made stay."""
    require_role(viewer, Role.ADMIN)
    if not name.strip():
        raise InvalidInput("name", "name the platform to remove")
    if confirm.strip() != name:
        raise InvalidInput("confirm", "type the platform's name a second time to confirm")
    with db.reading() as s:
        if s.scalar(select(LtiPlatform.id).where(LtiPlatform.name == name)) is None:
            raise NotFound("no platform named %(name)s", name=repr(name))
    remove_platform(db, name=name, actor=viewer.username)
