"""E-mail reminders (product.md, Autonomy: "reminders"): when one is due, what it says, and the link
that stops them. Learners and educators ask for their own.

A learner asks for reminders daily or weekly. A reminder goes out only when there is something to do
that the learner may not know of: reviews that have fallen due, a goal that has fallen behind its
date, work an educator assigned (what is overdue first, each with its due day), or a message an
educator wrote since the last reminder. A learner with nothing waiting gets nothing: a reminder that
says "keep going" every day teaches people to ignore the ones that matter.

An educator's reminder names, class by class, the learners who are stuck (the class page's rule:
many attempts on an objective without mastering it), counts the project work that waits for their
feedback and the replies to their messages, and names the assignments past their due day that
someone has not done (until they are done or withdrawn); with none of these in any class, nothing
goes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar

from learnloop.domain.goals import GoalPace
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.domain.people import Role
from learnloop.exceptions import InvalidInput

__all__ = [
    "FREQUENCIES",
    "REMINDED_ROLES",
    "REMINDER_SLACK",
    "AssignedWork",
    "ClassDigest",
    "ClassNews",
    "Digest",
    "OverdueWork",
    "ReminderText",
    "check_email",
    "check_frequency",
    "reminder_due",
    "reminder_text",
    "stop_token",
    "stop_token_matches",
]

FREQUENCIES: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A reminder counts as due this long before its full interval has passed: `learnloop remind`
# runs from cron, and a run that ends a few minutes later than yesterday's must not make the
# next day's run skip the learner (a daily reminder would then come every other day). Four
# hours keeps two reminders of the same learner at least 20 hours apart.
REMINDER_SLACK = timedelta(hours=4)
# The goal states worth an e-mail: the learner is behind the pace their date needs, or the date
# has passed. "starting" and "on-track" need nothing from them.
PACE_WORTH_A_REMINDER = frozenset({"behind", "overdue"})
# An address as RFC 5321 lets it through a relay: at most 254 characters, one "@", a local part
# and a domain with a dot, no spaces or angle brackets (which would break the header).
MAX_EMAIL_LENGTH = 254
# Who may ask for reminders: learners, for their own learning, and educators, for their classes.
# An administrator's account is not in a class as either.
REMINDED_ROLES = (Role.LEARNER, Role.EDUCATOR)
# Stuck learners an educator's reminder names in one class, the most attempts first; the rest
# are counted ("and 3 more"), and the class page lists them all. Five fit in a line of a mail.
STUCK_NAMED = 5
_EMAIL = re.compile(r"[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}")


def check_email(address: str) -> str:
    """The address, stripped, or InvalidInput naming the field ``email``."""
    address = address.strip()
    if not address:
        raise InvalidInput("email", "give the e-mail address to send reminders to")
    if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise InvalidInput(
            "email", "%(address)s is not an e-mail address like name@example.org", address=address
        )
    return address


def check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise InvalidInput("frequency", "choose daily or weekly")
    return frequency


def reminder_due(frequency: str, last_sent: datetime | None, now: datetime) -> bool:
    """Whether a learner reminded at ``last_sent`` may be reminded again at ``now``."""
    return last_sent is None or now - last_sent >= FREQUENCIES[frequency] - REMINDER_SLACK


def stop_token(secret: str, user_id: int, email: str) -> str:
    """What the link in a reminder carries to stop reminders without logging in: an HMAC of the
    learner and the address under the instance's secret key, so a link stops only its own
    learner's reminders, and only while they go to that address."""
    message = f"learnloop-reminders-stop:{user_id}:{email.lower()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def stop_token_matches(secret: str, user_id: int, email: str, token: str) -> bool:
    return hmac.compare_digest(stop_token(secret, user_id, email), token)


@dataclass(frozen=True)
class AssignedWork:
    """An open assignment as a reminder names it: its title and, if it has one, its due day."""

    title: str
    due_on: date | None = None
    overdue: bool = False  # its due day has passed
    course: str = ""  # its course, when it is not the one the learner follows


@dataclass(frozen=True)
class OverdueWork:
    """An assignment of the class past its due day, and how many learners have not done it."""

    title: str
    waiting: int


@dataclass(frozen=True)
class Digest:
    """What one learner's reminder would say, read from the learning record (reports.reminders)."""

    user_id: int
    email: str
    language: str
    frequency: str
    display_name: str
    course_title: str
    reviews_due: int = 0
    pace: GoalPace | None = None  # only when it is worth a reminder (PACE_WORTH_A_REMINDER)
    assignments: list[AssignedWork] = field(default_factory=list)  # open, the soonest due first
    new_messages: int = 0  # educators' messages since the last reminder
    # answers to their reports on questions since the last reminder, not seen yet
    report_answers: int = 0
    next_step: tuple[str, str] | None = None  # (activity title, its reason in plain words)
    # (course, reviews due) in the learner's other courses, where some are due
    reviews_elsewhere: list[tuple[str, int]] = field(default_factory=list)
    home_path: ClassVar[str] = "/learn"  # where the reminder's link leads

    @property
    def has_news(self) -> bool:
        """Whether anything here is worth an e-mail (the next step alone is not)."""
        return bool(
            self.reviews_due or self.pace or self.assignments or self.new_messages
            or self.reviews_elsewhere or self.report_answers
        )  # fmt: skip


@dataclass(frozen=True)
class ClassNews:
    """One class of an educator's reminder: who is stuck, on what, and the work to review."""

    class_name: str
    stuck: list[tuple[str, str]]  # (learner, objective title), most attempts first
    awaiting_feedback: int  # pieces of work handed in and not reviewed yet
    replies: int = 0  # learners' replies to the educator's messages since the last reminder
    overdue: list[OverdueWork] = field(default_factory=list)  # past their due day, not all done
    quiet: list[str] = field(default_factory=list)  # learners gone quiet, the longest first
    quiet_days: int = 7  # after how many days without an answer
    reported: int = 0  # the class's learners' reports of a problem with a question, not answered


@dataclass(frozen=True)
class ClassDigest:
    """What one educator's reminder would say: the classes they teach where someone needs them
    (reports.reminders). Learners who are stuck stay in it until they are not: the reminder is
    the class page's "who is stuck", brought to the educator."""

    user_id: int
    email: str
    language: str
    frequency: str
    display_name: str
    classes: list[ClassNews] = field(default_factory=list)  # only those with news
    home_path: ClassVar[str] = "/teach"

    @property
    def has_news(self) -> bool:
        return any(
            c.stuck or c.awaiting_feedback or c.replies or c.overdue or c.quiet or c.reported
            for c in self.classes
        )


@dataclass(frozen=True)
class ReminderText:
    subject: str
    body: str


def reminder_text(
    digest: Digest | ClassDigest, *, home_url: str, stop_url: str, words: Wording = IN_ENGLISH
) -> ReminderText:
    """The e-mail, in plain text, written with ``words`` (the reader's language)."""
    if isinstance(digest, ClassDigest):
        subject = words("Who needs you in your classes")
        heading = words("Waiting for you in your classes:")
        lines = [line for news in digest.classes for line in _class_lines(news, words)]
    else:
        subject = words("What is waiting for you in %(course)s", course=digest.course_title)
        heading = words("Waiting for you in %(course)s:", course=digest.course_title)
        lines = [f"- {line}" for line in _learner_lines(digest, words)]
    why = words("You get this daily because you asked for reminders.")
    if digest.frequency == "weekly":
        why = words("You get this at most once a week because you asked for reminders.")
    body = "\n".join([
        words("Hello %(name)s,", name=digest.display_name),
        "",
        heading,
        "",
        *lines,
        "",
        words("Open learnloop: %(url)s", url=home_url),
        "",
        "-- ",
        why,
        words("Stop them with one click: %(url)s", url=stop_url),
        "",
    ])  # fmt: skip
    return ReminderText(subject, body)


def _learner_lines(digest: Digest, words: Wording) -> list[str]:
    lines: list[str] = []
    if digest.reviews_due:
        lines.append(words.plural(
            "%(num)s review is due: a few minutes now keep what you mastered.",
            "%(num)s reviews are due: a few minutes now keep what you mastered.",
            digest.reviews_due))  # fmt: skip
    for course, due in digest.reviews_elsewhere:
        lines.append(words.plural(
            "%(num)s review is due in %(course)s.", "%(num)s reviews are due in %(course)s.",
            due, course=course))  # fmt: skip
    if digest.pace is not None:
        lines.append(words("Your goal: %(sentence)s", sentence=digest.pace.sentence))
    late = [_work(a, words) for a in digest.assignments if a.overdue]
    if late:
        lines.append(words.plural(
            "%(num)s assignment is overdue: %(titles)s.",
            "%(num)s assignments are overdue: %(titles)s.",
            len(late), titles=", ".join(late)))  # fmt: skip
    open_ = [_work(a, words) for a in digest.assignments if not a.overdue]
    if open_:
        lines.append(words.plural(
            "Your educator assigned %(num)s activity: %(titles)s.",
            "Your educator assigned %(num)s activities: %(titles)s.",
            len(open_), titles=", ".join(open_)))  # fmt: skip
    if digest.new_messages:
        lines.append(words.plural(
            "%(num)s new message from your educators.",
            "%(num)s new messages from your educators.",
            digest.new_messages))  # fmt: skip
    if digest.report_answers:
        lines.append(words.plural(
            "%(num)s answer to a question you reported.",
            "%(num)s answers to questions you reported.",
            digest.report_answers))  # fmt: skip
    if digest.next_step is not None:
        title, reason = digest.next_step
        lines.append(words("Suggested next: %(title)s (%(reason)s).", title=title, reason=reason))
    return lines


def _work(a: AssignedWork, words: Wording) -> str:
    """An assignment's title with its due day, as the learner's home says it, and its course
    when the learner follows another."""
    title = (
        words("%(title)s in %(course)s", title=a.title, course=a.course) if a.course else a.title
    )
    if a.due_on is None:
        return title
    day = words.day_month(a.due_on)
    when = (
        words("overdue since %(date)s", date=day) if a.overdue else words("due %(date)s", date=day)
    )
    return f"{title} ({when})"


def _class_lines(news: ClassNews, words: Wording) -> list[str]:
    lines = [news.class_name]
    if news.stuck:
        named = "; ".join(
            words("%(learner)s on %(objective)s", learner=who, objective=what)
            for who, what in news.stuck[:STUCK_NAMED]
        )
        more = len(news.stuck) - STUCK_NAMED
        if more > 0:
            named += words.plural("; and %(num)s more", "; and %(num)s more", more)
        lines.append("- " + words.plural(
            "%(num)s learner is stuck: %(names)s.", "%(num)s learners are stuck: %(names)s.",
            len(news.stuck), names=named))  # fmt: skip
    if news.quiet:
        named = ", ".join(news.quiet[:STUCK_NAMED])
        more = len(news.quiet) - STUCK_NAMED
        if more > 0:
            named += words.plural("; and %(num)s more", "; and %(num)s more", more)
        lines.append("- " + words.plural(
            "%(num)s learner has not answered for %(days)s days or more: %(names)s.",
            "%(num)s learners have not answered for %(days)s days or more: %(names)s.",
            len(news.quiet), days=news.quiet_days, names=named))  # fmt: skip
    if news.awaiting_feedback:
        lines.append("- " + words.plural(
            "%(num)s piece of work waits for your feedback.",
            "%(num)s pieces of work wait for your feedback.",
            news.awaiting_feedback))  # fmt: skip
    if news.reported:
        lines.append("- " + words.plural(
            "%(num)s question reported by a learner waits for a look.",
            "%(num)s questions reported by learners wait for a look.",
            news.reported))  # fmt: skip
    if news.replies:
        lines.append("- " + words.plural(
            "%(num)s new reply from a learner to your messages.",
            "%(num)s new replies from learners to your messages.",
            news.replies))  # fmt: skip
    if news.overdue:
        late = ", ".join(
            words.plural("%(title)s (%(num)s learner has not done it)",
                         "%(title)s (%(num)s learners have not done it)", o.waiting, title=o.title)
            for o in news.overdue
        )  # fmt: skip
        lines.append("- " + words.plural(
            "%(num)s assignment is overdue: %(titles)s.",
            "%(num)s assignments are overdue: %(titles)s.",
            len(news.overdue), titles=late))  # fmt: skip
    return [*lines, ""]
