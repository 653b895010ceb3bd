"""Who may see or change what: the one place where class scopes are decided.

- An admin may see and do everything.
- An educator may see the classes they teach and the learners in them, and nothing else.
- A learner may see their own record, and nothing of another learner; in a class, its
  discussion threads (``learner_class``).
- A class an admin ended stays readable by the same people; nothing new happens in it
  (``require_running``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.storage.course_store import course_by_id, course_of_learner
from learnloop.storage.tables import ClassMember, LearnerProfile, SchoolClass

__all__ = [
    "learner_class",
    "learner_record_scope",
    "learners_of_class_among",
    "moderates_class",
    "require_class_educator",
    "require_learner",
    "require_learner_in_class",
    "require_role",
    "require_running",
]


def require_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        names = " or ".join(r.value for r in roles)
        raise PermissionDenied("this is for %(names)s accounts", names=names)


def require_learner(viewer: Viewer) -> None:
    require_role(viewer, Role.LEARNER)


def moderates_class(session: Session, viewer: Viewer, class_id: int) -> bool:
    """Whether ``viewer`` teaches the class or is an admin (who may see and do everything)."""
    if viewer.is_admin:
        return True
    member = session.get(ClassMember, (class_id, viewer.user_id))
    return member is not None and member.role == Role.EDUCATOR.value


def require_class_educator(session: Session, viewer: Viewer, class_id: int) -> SchoolClass:
    """The class, if ``viewer`` teaches it or is an admin; NotFound or PermissionDenied otherwise."""
    school_class = session.get(SchoolClass, class_id)
    if school_class is None:
        raise NotFound("class %(class_id)s does not exist", class_id=class_id)
    if not moderates_class(session, viewer, class_id):
        raise PermissionDenied("only the class's educators can see this class")
    return school_class


def require_running(school_class: SchoolClass) -> SchoolClass:
    """The class, unless an admin ended it: InvalidInput naming ``class`` then, for whatever
    would start something new in it (an assignment, a message, a group, a post, a code, a
    member). Tidying up what is there (withdrawing, disbanding, hiding, removing, feedback on
    work handed in before the end) goes on."""
    if school_class.ended_at is not None:
        raise InvalidInput(
            "class", "%(name)s has ended: an admin can reopen it", name=school_class.name
        )
    return school_class


def learners_of_class_among(session: Session, class_id: int, user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` who are learners of the class."""
    return set(
        session.scalars(
            select(ClassMember.user_id).where(
                ClassMember.class_id == class_id,
                ClassMember.role == Role.LEARNER.value,
                ClassMember.user_id.in_(user_ids),
            )
        )
    )


def require_learner_in_class(session: Session, class_id: int, learner_id: int) -> None:
    member = session.scalar(
        select(ClassMember).where(
            ClassMember.class_id == class_id,
            ClassMember.user_id == learner_id,
            ClassMember.role == Role.LEARNER.value,
        )
    )
    if member is None:
        raise NotFound(
            "learner %(learner_id)s is not in class %(class_id)s",
            learner_id=learner_id,
            class_id=class_id,
        )


def learner_class(s: Session, viewer: Viewer) -> SchoolClass:
    """The class whose threads a learner uses: their class for the course they follow (the
    earliest joined when they are in several for it), among those that have not ended."""
    profile = s.get(LearnerProfile, viewer.user_id)
    if profile is None or profile.course_id is None:
        raise NotFound("you are not following a course yet: finish onboarding first")
    found = s.scalar(
        select(SchoolClass)
        .join(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(
            ClassMember.user_id == viewer.user_id,
            ClassMember.role == Role.LEARNER.value,
            SchoolClass.course_id == profile.course_id,
            SchoolClass.ended_at.is_(None),  # an ended class takes no new posts or work
        )
        .order_by(SchoolClass.id)
        .limit(1)
    )
    if found is None:
        raise NotFound("discussion happens in a class: ask an educator to add you to one")
    return found


def learner_record_scope(
    s: Session, viewer: Viewer, learner_id: int, class_id: int | None
) -> tuple[int, Course]:
    """The course (id and content) in which ``viewer`` may read ``learner_id``'s records: with
    ``class_id``, that class's course, for its educators and admins, the learner being in the
    class; without, the learner's own course, for the learner themself. Anything else: the
    learner does not exist for the viewer."""
    if class_id is not None:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        return school_class.course_id, course_by_id(s, school_class.course_id)
    if learner_id == viewer.user_id:
        require_learner(viewer)
        return course_of_learner(s, learner_id)
    raise NotFound("no such learner")
