"""learnloop as an LTI 1.3 tool: an admin registers a platform; a launch from it signs its person
in, as the learnloop account that stands for them, in the class that stands for its course.

- The platforms are registered beforehand (services.lti_platforms).
- ``begin_login`` answers the platform's login initiation: a one-time ``state`` and ``nonce``
  are stored, and the browser is sent to the platform's authentication endpoint.
- ``complete_launch`` takes the ``id_token`` the platform posts back: the state is consumed
  (a replay finds none), the token verified against the platform's published keys (fetched again
  when it names a key not seen yet), and then, in one transaction, the person's account (made on
  the first launch, without a password: they sign in through the platform), the course's class
  (made on the first launch from it, on the course the link or the registration names) and the
  membership. A launch never makes an admin; the roles of its first launch make the account an
  educator (Instructor, Teaching Assistant, Content Developer, Mentor, the context's
  Administrator) or a learner, and a later launch with the other kind of role is refused rather
  than quietly changing what the account may see. An instructor's deep-linking launch leaves a
  request for them to answer (services.lti_deep_linking) instead of landing on the class.
- A class an admin ended (services.class_lifecycle) still lets its members in, to read what is
  there, but takes nobody new, no deep-linking request and no new gradable link; the launch is
  refused, changing nothing, until an admin reopens it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learnloop.adapters.lti import (
    CLAIM,
    DEEP_LINKING,
    Launch,
    LaunchRefused,
    is_educator,
    login_request_url,
    platform_key,
    read_launch,
    unverified_kid,
)
from learnloop.content.course_loader import KEY_PATTERN
from learnloop.domain import Role
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.services.courses import MAX_CLASS_NAME, enrol, follow_course, new_class
from learnloop.services.lti_calls import fetch_jwks
from learnloop.services.lti_platforms import check_url
from learnloop.storage import Database
from learnloop.storage.access import require_running
from learnloop.storage.tables import (
    ClassMember,
    LearnerProfile,
    LtiAccount,
    LtiContext,
    LtiDeepLink,
    LtiDeployment,
    LtiLineItem,
    LtiLoginState,
    LtiPlatform,
    LtiScore,
    SchoolClass,
    User,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "LaunchResult",
    "LoginRequest",
    "begin_login",
    "complete_launch",
    "person_account",
]

# How long a login may take between the tool's redirect and the platform's answer: the platform
# answers at once unless it asks its user to sign in first, which takes a minute or two.
LOGIN_STATE_MINUTES = 10
# Logins under way at most (each is a row until answered or stale): anyone can start one, so a
# flood of them must not grow the table without bound; a school's busiest minute starts hundreds.
MAX_PENDING_LOGINS = 10_000
# A launch signed with a key the stored key set lacks fetches the set again, at most this often
# (a rotated key is found at once; a stream of forged kids cannot make us hammer the platform).
JWKS_REFETCH_SECONDS = 60
# Password hashes start with "$argon2"; this marker matches no password, so an account made by a
# launch can sign in only through its platform (an admin may still reset it to a password).
NO_PASSWORD = "!lti"  # noqa: S105


@dataclass(frozen=True)
class LoginRequest:
    url: str  # where to send the browser: the platform's authentication endpoint
    state: str  # the one-time state it carries (the page also binds it to the browser)


@dataclass(frozen=True)
class LaunchResult:
    user_id: int
    class_id: int
    role: Role
    next_url: str  # where the launch lands: the learner's home or activity, the class's page


def _platform_for(s: Session, issuer: str, client_id: str) -> LtiPlatform:
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    rows = list(s.scalars(query))
    if not rows:
        raise InvalidInput("iss", f"no platform {issuer!r} is registered with this client id")
    if len(rows) > 1:
        raise InvalidInput("client_id", "several registrations of this issuer: send client_id")
    return rows[0]


def begin_login(
    db: Database,
    *,
    issuer: str,
    login_hint: str,
    target_link_uri: str,
    redirect_uri: str,
    client_id: str = "",
    lti_message_hint: str = "",
    now: datetime | None = None,
    max_pending: int = MAX_PENDING_LOGINS,
) -> LoginRequest:
    """The platform's authentication request for this login initiation, and its state."""
    now = now or datetime.now(UTC)
    for field, value in (("iss", issuer), ("login_hint", login_hint),
                         ("target_link_uri", target_link_uri)):  # fmt: skip
        if not value:
            raise InvalidInput(field, "missing from the login initiation")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with db.transaction() as s:
        platform = _platform_for(s, issuer, client_id)
        s.execute(delete(LtiLoginState).where(
            LtiLoginState.created_at < now - timedelta(minutes=LOGIN_STATE_MINUTES)
        ))  # fmt: skip
        pending = s.scalar(select(func.count()).select_from(LtiLoginState)) or 0
        if pending >= max_pending:
            raise InvalidInput("iss", "too many logins under way: try again in a few minutes")
        s.add(LtiLoginState(state=state, nonce=nonce, platform_id=platform.id, created_at=now))
        url = login_request_url(
            platform.auth_login_url, client_id=platform.client_id, redirect_uri=redirect_uri,
            login_hint=login_hint, state=state, nonce=nonce, lti_message_hint=lti_message_hint,
        )  # fmt: skip
        return LoginRequest(url, state)


def _signing_key(
    db: Database, platform: LtiPlatform, kid: str, now: datetime,
    fetch: Callable[[str], dict[str, Any]],
) -> Any:  # fmt: skip
    key = platform_key(platform.jwks, kid)
    fresh = platform.jwks_fetched_at is not None and (
        now - platform.jwks_fetched_at < timedelta(seconds=JWKS_REFETCH_SECONDS)
    )
    if key is None and platform.jwks_url and not fresh:
        jwks = fetch(platform.jwks_url)
        key = platform_key(jwks, kid)
        with db.transaction() as s:  # the refreshed key set, kept whatever the launch's fate
            row = s.get(LtiPlatform, platform.id)
            if row is not None:
                row.jwks, row.jwks_fetched_at = jwks, now
    if key is None:
        raise LaunchRefused("kid", f"the platform publishes no key {kid!r}")
    return key


def person_account(
    s: Session,
    platform: LtiPlatform,
    *,
    subject: str,
    name: str,
    roles: frozenset[str],
    now: datetime,
) -> User:
    """The account that stands for the platform's person ``subject``, made if need be (in the
    caller's transaction); InvalidInput if their roles now say the other kind of account."""
    role = Role.EDUCATOR if is_educator(roles) else Role.LEARNER
    link = s.get(LtiAccount, (platform.id, subject))
    if link is not None:
        user = s.get(User, link.user_id)
        if user is None:  # pragma: no cover - the foreign key cascades
            raise NotFound("the account of this launch is gone")
        if user.role != role.value:
            raise InvalidInput("roles", (
                f"this person's learnloop account is a {user.role}, and the platform now says "
                f"{role.value}: an admin must decide"
            ))  # fmt: skip
        if name and name != user.display_name:
            user.display_name = name[:120]
        return user
    digest = hashlib.sha256(f"{platform.issuer}\n{subject}".encode()).hexdigest()[:16]
    user = User(
        username=f"lti-{platform.id}-{digest}", display_name=(name or "LTI user")[:120],
        password_hash=NO_PASSWORD, role=role.value, created_at=now,
    )  # fmt: skip
    s.add(user)
    s.flush()
    s.add(LtiAccount(platform_id=platform.id, subject=subject, user_id=user.id))
    if role is Role.LEARNER:
        s.add(LearnerProfile(user_id=user.id, interests="", preferred_modalities=[]))
    record_event(
        s, actor=f"lti:{platform.name}", action="lti.account_created", subject=user.username,
        now=now, details={"platform": platform.name, "role": role.value},
    )  # fmt: skip
    return user


def _class(s: Session, platform: LtiPlatform, launch: Launch, now: datetime) -> SchoolClass:
    if not launch.context_id:
        raise LaunchRefused(
            "https://purl.imsglobal.org/spec/lti/claim/context", "learnloop needs the course (context)"
        )  # fmt: skip
    link = s.get(LtiContext, (platform.id, launch.context_id))
    if link is not None:
        if launch.memberships_url:  # a launch that does not mention the service keeps it
            link.memberships_url = launch.memberships_url
        found = s.get(SchoolClass, link.class_id)
        if found is None:  # pragma: no cover - the foreign key cascades
            raise NotFound("the class of this course is gone")
        return found
    slug = launch.custom.get("course", "")
    course_id = (
        s.scalar(select(CourseRow.id).where(CourseRow.slug == slug)) if slug else platform.course_id
    )
    if course_id is None:
        raise InvalidInput("custom", (
            f"there is no course {slug!r}" if slug else
            "no course for this link: set the custom parameter course=SLUG, or register the "
            "platform with --course"
        ))  # fmt: skip
    base = f"{launch.context_title or launch.context_id} ({platform.name})"[: MAX_CLASS_NAME - 4]
    name, n = base, 1
    while s.scalar(select(SchoolClass.id).where(SchoolClass.name == name)) is not None:
        n += 1
        name = f"{base} {n}"
    row = new_class(s, name=name, course_id=course_id, now=now)
    s.add(LtiContext(
        platform_id=platform.id, context_id=launch.context_id, class_id=row.id,
        memberships_url=launch.memberships_url,
    ))  # fmt: skip
    record_event(
        s, actor=f"lti:{platform.name}", action="class.created", subject=row.name, now=now,
        details={"class_id": row.id, "platform": platform.name, "context": launch.context_id},
    )  # fmt: skip
    return row


def _opens_score_test(custom: dict[str, str]) -> bool:
    """Whether a link opens the course's score test (custom parameter score_test=1, as deep
    linking writes it; true and yes also do)."""
    return custom.get("score_test", "").strip().lower() in {"1", "true", "yes"}


def _gradable(
    s: Session, platform: LtiPlatform, launch: Launch, school_class: SchoolClass, user: User
) -> None:
    """Note the link's line item, and the learner whose scores go to it (services.lti_grades)."""
    check_url("lineitem", launch.lineitem_url)
    item = s.scalar(select(LtiLineItem).where(
        LtiLineItem.platform_id == platform.id,
        LtiLineItem.resource_link_id == launch.resource_link_id,
    ))  # fmt: skip
    if item is None:
        item = LtiLineItem(
            platform_id=platform.id, resource_link_id=launch.resource_link_id,
            class_id=school_class.id, lineitem_url=launch.lineitem_url,
        )  # fmt: skip
        s.add(item)
    item.lineitem_url = launch.lineitem_url  # the platform may have moved it
    item.score_test = _opens_score_test(launch.custom)
    activity = launch.custom.get("activity", "")
    item.activity_key = activity if KEY_PATTERN.match(activity) and not item.score_test else ""
    s.flush()
    if user.role == Role.LEARNER.value and s.get(LtiScore, (item.id, user.id)) is None:
        s.add(LtiScore(line_item_id=item.id, user_id=user.id, subject=launch.subject))


def complete_launch(
    db: Database,
    *,
    id_token: str,
    state: str,
    now: datetime | None = None,
    fetch: Callable[[str], dict[str, Any]] = fetch_jwks,
) -> LaunchResult:
    """Verify the platform's launch and sign its person in (see the module's docstring)."""
    now = now or datetime.now(UTC)
    try:
        with db.reading() as s:
            pending = s.get(LtiLoginState, state) if state else None
            platform = s.get(LtiPlatform, pending.platform_id) if pending else None
            if pending is None or platform is None:
                raise LaunchRefused(
                    "state", "unknown or used already: launch again from the platform"
                )
            if pending.created_at < now - timedelta(minutes=LOGIN_STATE_MINUTES):
                raise LaunchRefused("state", "the login took too long: launch again")
            deployments = set(s.scalars(
                select(LtiDeployment.deployment_id).where(LtiDeployment.platform_id == platform.id)
            ))  # fmt: skip
        key = _signing_key(db, platform, unverified_kid(id_token), now, fetch)
        launch = read_launch(
            id_token, key=key, issuer=platform.issuer, client_id=platform.client_id,
            nonce=pending.nonce, now=now.timestamp(),
        )  # fmt: skip
        if launch.deployment_id not in deployments:
            raise LaunchRefused(
                "https://purl.imsglobal.org/spec/lti/claim/deployment_id",
                f"{launch.deployment_id!r} is not registered for {platform.name!r}",
            )
        with db.transaction() as s:
            used = s.execute(delete(LtiLoginState).where(LtiLoginState.state == state))
            if used.rowcount != 1:  # type: ignore[attr-defined]
                raise LaunchRefused("state", "used already: launch again from the platform")
            user = person_account(
                s, platform, subject=launch.subject, name=launch.name, roles=launch.roles, now=now
            )
            if launch.message_type == DEEP_LINKING and user.role != Role.EDUCATOR.value:
                raise LaunchRefused(
                    CLAIM + "roles", "only an instructor chooses learnloop activities for a course"
                )
            school_class = _class(s, platform, launch, now)
            if school_class.ended_at is not None and (
                launch.message_type == DEEP_LINKING
                or s.get(ClassMember, (school_class.id, user.id)) is None
            ):  # nobody joins an ended class, and no new link starts in it; members read it
                require_running(school_class)
            role = Role(user.role)
            if not enrol(s, school_class, user, now) and role is Role.LEARNER:
                follow_course(s, user.id, school_class.course_id)  # launched from this course now
            if launch.message_type == DEEP_LINKING:
                link_id = secrets.token_urlsafe(24)
                s.add(LtiDeepLink(
                    id=link_id, platform_id=platform.id, user_id=user.id,
                    class_id=school_class.id, deployment_id=launch.deployment_id,
                    return_url=check_url("deep_link_return_url", launch.deep_link_return_url),
                    data=launch.deep_link_data, accept_multiple=launch.deep_link_multiple,
                    accept_line_items=launch.deep_link_line_items, created_at=now,
                ))  # fmt: skip
                return LaunchResult(user.id, school_class.id, role, f"/lti/deep-link/{link_id}")
            if launch.lineitem_url and school_class.ended_at is None:
                _gradable(s, platform, launch, school_class, user)
            activity = launch.custom.get("activity", "")
            if role is Role.EDUCATOR:
                next_url = f"/teach/classes/{school_class.id}"
            elif _opens_score_test(launch.custom):
                next_url = "/learn/score-test"
            elif activity and KEY_PATTERN.match(activity):
                next_url = f"/learn/activities/{activity}"
            else:
                next_url = "/learn"
            return LaunchResult(user.id, school_class.id, role, next_url)
    except LaunchRefused as exc:
        raise InvalidInput(exc.claim, exc.message) from None
