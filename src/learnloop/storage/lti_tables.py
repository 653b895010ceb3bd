"""LTI 1.3 (services.lti): the platforms an admin registered, the launches under way, and which
learnloop account and class stand for a platform's person and course. Part of the same schema as
storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = [
    "LtiAccount",
    "LtiContext",
    "LtiDeepLink",
    "LtiDeployment",
    "LtiInvite",
    "LtiLineItem",
    "LtiLoginState",
    "LtiPlatform",
    "LtiScore",
    "LtiToolKey",
]


class LtiPlatform(Base):
    """One registration of learnloop with a platform (its issuer and the client id it gave us)."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)  # what admins call it
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))  # its OIDC authentication endpoint
    auth_token_url: Mapped[str] = mapped_column(String(1000))  # its OAuth 2 token endpoint
    jwks_url: Mapped[str] = mapped_column(String(1000))  # "" when its keys were given as a file
    # the platform's public keys: fetched from jwks_url (again when a launch names a new key) or
    # given once by the admin
    jwks: Mapped[dict[str, Any]] = mapped_column(JSON)
    jwks_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the course a new platform course (context) gets as its class, unless the link says another
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LtiDeployment(Base):
    """A deployment id the platform may launch with (a platform can deploy a tool several times)."""

    __tablename__ = "lti_deployments"
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255), primary_key=True)


class LtiLoginState(Base):
    """A login the tool started and the platform has not answered yet: the ``state`` and
    ``nonce`` sent with it, each good for one launch (a replayed launch finds no row)."""

    __tablename__ = "lti_login_states"
    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LtiAccount(Base):
    """The learnloop account that stands for one person (``sub``) of one platform."""

    __tablename__ = "lti_accounts"
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)


class LtiContext(Base):
    """The learnloop class that stands for one course (context) of one platform."""

    __tablename__ = "lti_contexts"
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    context_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), unique=True)
    # where the platform lists the course's members (names and roles), as the latest launch said;
    # "" when it does not offer the service
    memberships_url: Mapped[str] = mapped_column(String(1000), default="", server_default="")


class LtiToolKey(Base):
    """The tool's own signing keys (its public half at /lti/jwks): made on first need."""

    __tablename__ = "lti_tool_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LtiLineItem(Base):
    """A gradable platform link (its launches carry the assignment and grade services' claim):
    the line item its learners' scores go to."""

    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    lineitem_url: Mapped[str] = mapped_column(String(1000))  # as the latest launch gave it
    # the activity the link opens (custom parameter activity): its objectives are what the score
    # counts; "" for a link to the whole course
    activity_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # a link to the course's score test (custom parameter score_test=1): the score is the learner's
    # latest score test, as a percentile (services.lti_grades)
    score_test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LtiScore(Base):
    """One learner who launched a gradable link, and the score last sent for them (None: none
    yet), so that ``learnloop lti-sync`` sends only what changed."""

    __tablename__ = "lti_scores"
    line_item_id: Mapped[int] = mapped_column(
        ForeignKey("lti_line_items.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    subject: Mapped[str] = mapped_column(String(255))  # the platform's id for them (userId)
    sent_given: Mapped[float | None] = mapped_column(Float, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LtiDeepLink(Base):
    """An instructor's deep-linking request, waiting for them to choose activities: where to send
    the choice, and what the platform asked to get back with it. Used once."""

    __tablename__ = "lti_deep_links"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random: in the page's URL
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    return_url: Mapped[str] = mapped_column(String(1000))
    data: Mapped[str] = mapped_column(Text)  # the platform's opaque data, echoed back
    accept_multiple: Mapped[bool] = mapped_column(Boolean)
    accept_line_items: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LtiInvite(Base):
    """A one-time link for a platform to register itself (LTI Dynamic Registration), made by the
    operator with ``learnloop lti-platform invite``; only the SHA-256 of its code is kept."""

    __tablename__ = "lti_invites"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # the platform's name here ("": from its answer)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
