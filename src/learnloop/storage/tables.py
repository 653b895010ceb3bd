"""The tables. Each column says why it is there when its name alone does not."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.group_tables import ClassGroup, ClassGroupMember
from learnloop.storage.item_report_tables import ItemReport
from learnloop.storage.join_codes import ClassJoinCode
from learnloop.storage.lti_tables import (
    LtiAccount,
    LtiContext,
    LtiDeepLink,
    LtiDeployment,
    LtiInvite,
    LtiLineItem,
    LtiLoginState,
    LtiPlatform,
    LtiScore,
    LtiToolKey,
)
from learnloop.storage.media_tables import CourseMediaFile, CourseSourceFile
from learnloop.storage.project_tables import ProjectReview, ProjectSubmission
from learnloop.storage.recovery_tables import EmailLink, RecoveryEmail
from learnloop.storage.reflection_tables import Reflection
from learnloop.storage.reminder_tables import CalendarFeed, ReminderSubscription
from learnloop.storage.score_tables import (
    CourseScoreBank,
    ScoreCalibrationAnswer,
    ScoreItemExposure,
    ScoreTest,
)
from learnloop.storage.table_base import Base, UTCDateTime
from learnloop.storage.two_factor_tables import RecoveryCode, TotpFactor
from learnloop.storage.withdrawal_tables import WithdrawnAnswer
from learnloop.storage.xapi_forward_tables import XapiForward, XapiForwardSkip, XapiForwardVoid
from learnloop.storage.xapi_tables import (  # the LRS's tables, part of the same schema
    LrsClient,
    XapiAttachment,
    XapiDocument,
    XapiIdentity,
    XapiIndexQueue,
    XapiStatement,
    XapiStatementId,
    XapiStatementKey,
)

__all__ = [
    "Attempt",
    "AuditEvent",
    "AuthSession",
    "Base",
    "CalendarFeed",
    "ClassGroup",
    "ClassGroupMember",
    "ClassJoinCode",
    "ClassMember",
    "Course",
    "CourseMediaFile",
    "CourseScoreBank",
    "CourseSourceFile",
    "EmailLink",
    "FeedbackMessage",
    "ItemReport",
    "LearnerCourse",
    "LearnerProfile",
    "LoginFailure",
    "LrsClient",
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
    "Mastery",
    "MasteryEvent",
    "ProjectReview",
    "ProjectSubmission",
    "RecoveryCode",
    "RecoveryEmail",
    "Reflection",
    "ReminderSubscription",
    "SchoolClass",
    "ScoreCalibrationAnswer",
    "ScoreItemExposure",
    "ScoreTest",
    "TotpFactor",
    "UTCDateTime",
    "User",
    "WithdrawnAnswer",
    "XapiAttachment",
    "XapiDocument",
    "XapiForward",
    "XapiForwardSkip",
    "XapiForwardVoid",
    "XapiIdentity",
    "XapiIndexQueue",
    "XapiStatement",
    "XapiStatementId",
    "XapiStatementKey",
]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, with its parameters
    role: Mapped[str] = mapped_column(String(16))  # learner | educator | admin: the platform role
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # a one-time password (a roster import, an admin's reset): the pages ask for a new one first
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class LearnerProfile(Base):
    """What the learner told us at onboarding about themselves, and the course they are
    following now (their goal in each course is a ``LearnerCourse``)."""

    __tablename__ = "learner_profiles"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    interests: Mapped[str] = mapped_column(Text, default="")
    # preferred modalities, most preferred first: the policy ranks these first, excludes none
    preferred_modalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    weekly_minutes: Mapped[int | None] = mapped_column(Integer)  # time they can give a week


class LearnerCourse(Base):
    """A course a learner has started (onboarding asked their goal in it): a learner in classes
    on several courses keeps a goal in each, and switches between them."""

    __tablename__ = "learner_courses"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    goal_objective: Mapped[str | None] = mapped_column(String(64))  # drives the goal path
    goal_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # their onboarding in it


class AuthSession(Base):
    """A login: a browser cookie or an API bearer token. Only the token's SHA-256 is stored, so a
    stolen database does not hand out sessions."""

    __tablename__ = "auth_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # cookie | api
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """A failed login, kept for the failure window only (services.login_limits)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username", "username", "at"),
        Index("ix_login_failures_address", "address", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed: the account need not exist
    address: Mapped[str] = mapped_column(String(64))  # the client's IP address
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AuditEvent(Base):
    """A change kept for accountability (services.audit): an administrator's, one on the command
    line, and the changes to who sees what (an educator withdrawing an answer or opening a class
    to join, a learner joining or leaving). Names, not foreign keys: the record outlives what it
    names."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # a username, or "operator"
    action: Mapped[str] = mapped_column(String(40))  # e.g. account.deleted
    subject: Mapped[str] = mapped_column(String(200))  # a username, client name or course slug
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class Course(Base):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    # the validated course (domain.course_codec), so that an instance needs no course files
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the content: importing the same course again changes nothing
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SchoolClass(Base):
    __tablename__ = "classes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # when an admin ended the class (the end of a school year, a course run over): its records
    # stay readable, nothing new happens in it (services.classes.end_class); None while it runs
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClassMember(Base):
    __tablename__ = "class_members"
    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # educator | learner, within this class


class Attempt(Base):
    """One answer to one item. Only ``counted`` changes, when the learner model is replayed
    (services.model_replay), and the grade, when the item was fixed and the answer graded again
    (services.regrading); a withdrawn answer moves to ``withdrawn_answers``, whole."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_learner_item", "user_id", "course_id", "item_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    activity_key: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(64))
    response: Mapped[Any] = mapped_column(JSON)  # as submitted: a choice key, keys, or text
    answer_text: Mapped[str] = mapped_column(Text)  # what the learner answered, for people to read
    correct: Mapped[bool] = mapped_column(Boolean)
    # misses on this item before this answer: decides which hints and whether the solution show
    misses_before: Mapped[int] = mapped_column(Integer)
    # false when the worked solution was already shown: the answer is kept but is no evidence
    counted: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[dict[str, Any]] = mapped_column(JSON)  # exactly what the learner was shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # the xAPI statement this answer came from, when content outside the app reported it
    statement_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    # keys of the misconceptions the answer revealed, space-separated, as graded at the time
    misconceptions: Mapped[str] = mapped_column(Text, default="", server_default="")


class Mastery(Base):
    """The learner model's current state for one learner and objective."""

    __tablename__ = "mastery"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    objective_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    p_known: Mapped[float] = mapped_column(Float)  # BKT's P(known) after the last counted answer
    attempts: Mapped[int] = mapped_column(Integer)  # counted answers
    correct: Mapped[int] = mapped_column(Integer)
    # the last counted outcomes on the objective, the last one first ("+" right, "-" wrong): what
    # the learner models with recency read (domain.learner_model)
    recent: Mapped[str] = mapped_column(String(8), default="", server_default="")
    mastered: Mapped[bool] = mapped_column(Boolean)
    mastered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the criterion in force when mastery was last decided; a later change does not rewrite it
    threshold: Mapped[float] = mapped_column(Float)
    min_attempts: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MasteryEvent(Base):
    """Each change of a mastery estimate and the answer that caused it: the mastery history."""

    __tablename__ = "mastery_events"
    __table_args__ = (Index("ix_mastery_events_learner", "user_id", "course_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    objective_key: Mapped[str] = mapped_column(String(64))
    p_before: Mapped[float] = mapped_column(Float)
    p_after: Mapped[float] = mapped_column(Float)
    mastered: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MasteryOverride(Base):
    """An educator's judgment in place of the model's, with its reason: an objective marked
    mastered, or a mastered one sent back into practice (services.mastery_overrides)."""

    __tablename__ = "mastery_overrides"
    __table_args__ = (Index("ix_mastery_overrides_learner", "user_id", "course_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    objective_key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # mastered | practice
    reason: Mapped[str] = mapped_column(Text)  # plain text; the learner sees it
    educator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    p_before: Mapped[float] = mapped_column(Float)
    p_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DiscussionPost(Base):
    """A message in an activity's discussion, seen by the class that holds it (its learners and
    educators) and nobody else. Hidden, not deleted, when its author or an educator takes it down,
    so that moderation can be accounted for."""

    __tablename__ = "discussion_posts"
    __table_args__ = (
        Index("ix_discussion_posts_thread", "class_id", "activity_key", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    activity_key: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # plain text, escaped when shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Assignment(Base):
    """An activity an educator asks one learner of their class to do, with an optional note. Done
    when the learner has answered each of its items since it was assigned, or says so."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_learner", "learner_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_key: Mapped[str] = mapped_column(String(64))
    educator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text)  # plain text, may be empty
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the learner said so
    # the day it is due by (UTC), when the educator gave one: past it and not done, it is overdue
    due_on: Mapped[date | None] = mapped_column(Date)
    # given to the whole class: a learner who joins later gets it too, while its due day has not
    # passed (services.assignments.give_whole_class_work)
    whole_class: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class FeedbackMessage(Base):
    """Feedback an educator sends to one learner of their class."""

    __tablename__ = "feedback_messages"
    __table_args__ = (Index("ix_feedback_recipient", "recipient_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # when the recipient first saw it (their home, or the educator's learner page); None: new
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)


class MemoryCard(Base):
    """A mastered objective's spaced-review state (FSRS), one per learner and objective."""

    __tablename__ = "memory_cards"
    __table_args__ = (Index("ix_memory_cards_due", "user_id", "course_id", "due"),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    objective_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stability: Mapped[float] = mapped_column(Float)  # days until recall falls to 90%
    difficulty: Mapped[float] = mapped_column(Float)  # FSRS difficulty, 1..10
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime] = mapped_column(UTCDateTime())
    reviews: Mapped[int] = mapped_column(Integer)
    lapses: Mapped[int] = mapped_column(Integer)
    # a failed review sends the objective back into practice until it is answered right again
    needs_practice: Mapped[bool] = mapped_column(Boolean, default=False)
    refresh_right: Mapped[int] = mapped_column(Integer, default=0)  # right answers since the lapse


class ReviewEvent(Base):
    """One review of a mastered objective (the history FSRS parameters are fitted on)."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_course", "course_id", "user_id", "objective_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    objective_key: Mapped[str] = mapped_column(String(64))
    # the answer that was the review; none for the start of a card (mastery or placement)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)  # 1 again, 2 hard, 3 good
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CourseMemoryModel(Base):
    """FSRS parameters fitted on a course's own review history."""

    __tablename__ = "course_memory_models"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    parameters: Mapped[list[float]] = mapped_column(JSON)
    reviews: Mapped[int] = mapped_column(Integer)  # reviews it was fitted on
    # on the held-out memories, of the parameters fitted without them (before migration 0045:
    # on every review, of the parameters fitted on them all)
    log_loss: Mapped[float] = mapped_column(Float)
    # FSRS's default parameters on the same held-out memories: what the fit has to beat
    baseline_log_loss: Mapped[float | None] = mapped_column(Float)
    # false when the defaults predicted the held-out memories better: kept, not used
    adopted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Placement(Base):
    """A placement diagnostic: the answers so far and, once finished, where it placed the learner."""

    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_learner", "user_id", "course_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    answers: Mapped[list[Any]] = mapped_column(JSON)  # [objective, item, correct] in order
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # p_known, known, confident
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CourseLearnerModel(Base):
    """The learner model of the kind a course chose, fitted on the course's own answers."""

    __tablename__ = "course_learner_models"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # bkt | pfa | best-lr
    model: Mapped[dict[str, Any]] = mapped_column(JSON)  # engine.model_codec's JSON
    answers: Mapped[int] = mapped_column(Integer)  # counted answers it was fitted on
    auc: Mapped[float | None] = mapped_column(Float)  # on the last 20% of learners, held out
    # the authors' BKT on the same held-out learners: what the fit has to beat to be used
    baseline_auc: Mapped[float | None] = mapped_column(Float)
    # BKT: objectives with parameters of their own (the others keep the authors'); else null
    objectives_fitted: Mapped[int | None] = mapped_column(Integer)
    # false when the authors' BKT predicted the held-out learners better: kept, not used
    adopted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
